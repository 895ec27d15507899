import { escapeHtml } from "../http/pages/layout.js";
import { formatPrice, products } from "./catalog.js";
import { DEMO_PATH, demoPage } from "./layout.js";

// The four pages of the demo shop. Together they cover what co-browsing has to handle: dynamic
// content (the cart), form fields including a payment card, a `cobrowsing_nosync` block and
// masked selectors, canvas charts (one inside the nosync block), a long page and a scrollable
// element, and navigation between pages.

export function shopPage(siteKey: string | undefined): string {
  const cards = products
    .map(
      (p) => `<article class="product" id="product-${p.id}">
<img src="${DEMO_PATH}/img/${p.id}.svg" alt="" width="160" height="120">
<h3>${escapeHtml(p.name)}</h3>
<p>${escapeHtml(p.blurb)}</p>
<div class="buy"><span class="price">${formatPrice(p.price)}</span>
<button type="button" class="add" data-product="${p.id}" data-name="${escapeHtml(p.name)}" data-price="${p.price}">Add to cart</button></div>
</article>`,
    )
    .join("\n");
  return demoPage({
    title: "Shop",
    current: "shop",
    siteKey,
    body: `<section class="hero"><h1>Office goods for careful people</h1>
<p>Open the Airlock console beside this page, start a co-browsing session and watch the agent's view follow every click.</p></section>
<div class="shop">
<section class="grid" aria-label="Products">
${cards}
</section>
<aside class="cart" id="cart" aria-live="polite">
<h2>Your cart</h2>
<ul id="cart-items"><li class="empty">Your cart is empty.</li></ul>
<p class="total">Total <strong id="cart-total">€0.00</strong></p>
<a class="button" href="${DEMO_PATH}/checkout">Go to checkout</a>
</aside>
</div>`,
  });
}

export function checkoutPage(siteKey: string | undefined): string {
  return demoPage({
    title: "Checkout",
    current: "checkout",
    siteKey,
    body: `<h1>Checkout</h1>
<div class="checkout">
<form id="checkout-form" class="form" autocomplete="on" novalidate>
<fieldset><legend>Delivery</legend>
<label for="name">Full name</label><input id="name" name="name" autocomplete="name" required>
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email">
<label for="address">Street address</label><input id="address" name="address" autocomplete="street-address" required>
<label for="city">Postcode and city</label><input id="city" name="city" autocomplete="address-level2">
<label for="country">Country</label>
<select id="country" name="country"><option value="de">Germany</option><option value="at">Austria</option><option value="ch">Switzerland</option><option value="fr">France</option></select>
</fieldset>
<fieldset><legend>Payment</legend>
<label for="card">Card number</label><input id="card" name="card" inputmode="numeric" autocomplete="cc-number" placeholder="1234 5678 9012 3456">
<div class="row"><div><label for="exp">Expiry</label><input id="exp" name="exp" autocomplete="cc-exp" placeholder="MM/YY"></div>
<div><label for="cvc">Security code</label><input id="cvc" name="cvc" autocomplete="cc-csc" inputmode="numeric"></div></div>
</fieldset>
<label class="check"><input type="checkbox" id="newsletter" name="newsletter"> Send me the quarterly newsletter</label>
<button type="submit" class="primary">Place order</button>
<p id="order-status" class="status" role="status"></p>
</form>
<aside class="cart" aria-live="polite"><h2>Order summary</h2>
<ul id="cart-items"><li class="empty">Your cart is empty.</li></ul>
<p class="total">Total <strong id="cart-total">€0.00</strong></p></aside>
</div>`,
  });
}

export function accountPage(siteKey: string | undefined, identityToken?: string): string {
  return demoPage({
    title: "My account",
    current: "account",
    siteKey,
    identityToken,
    body: `<h1>My account</h1>
<section class="panel"><h2>Profile</h2>
<p>Signed in as <strong>Dana Demo</strong>, customer since 2019.</p>
<p>Customer number <span class="account-number">NW-4471-0093</span></p></section>
<section class="panel cobrowsing_nosync" id="bank-details"><h2>Bank details</h2>
<p>IBAN DE89 3704 0044 0532 0130 00 · Balance €12,345.67</p>
<canvas id="balance-chart" class="chart" width="560" height="120" aria-label="Balance over the last six months"></canvas>
<p>This block carries <code>class="cobrowsing_nosync"</code>: it never leaves this browser.</p>
<label for="iban-note">Note to the bank</label><input id="iban-note" value="Do not share">
<button type="button" id="nosync-button">Reveal statement</button></section>
<section class="panel" data-private><h2>Security questions</h2><p>Mother's maiden name: Hargreaves</p></section>
<section class="panel"><h2>Password</h2>
<form class="form" id="password-form"><label for="password">New password</label><input id="password" type="password" autocomplete="new-password">
<button type="submit">Change password</button></form></section>
<section class="panel"><h2>Your orders this year</h2>
<canvas id="orders-chart" class="chart" width="560" height="200" aria-label="Bar chart of orders per month">Orders per month: 3, 5, 2, 6, 4, 7.</canvas></section>`,
  });
}

export function guidePage(siteKey: string | undefined): string {
  const chapters = Array.from({ length: 24 }, (_, i) => {
    const n = i + 1;
    return `<section class="chapter" id="chapter-${n}"><h2>Chapter ${n}: ${chapterTitles[i % chapterTitles.length]}</h2>
<p>Good office goods last. Chapter ${n} walks through what to look for: materials, repairability, warranty terms and
how the item fits the way your team works. Take your time and compare; our support team is happy to look at the page
together with you.</p></section>`;
  }).join("\n");
  const faq = Array.from({ length: 30 }, (_, i) => `<p>Question ${i + 1}: can I return an item after ${i + 14} days? Yes, within our 60-day window.</p>`).join("");
  return demoPage({
    title: "Buying guide",
    current: "guide",
    siteKey,
    body: `<h1>The long buying guide</h1>
<p>This page is long on purpose: scroll it, and scroll the FAQ box, while an agent watches.</p>
<div class="faq" id="faq" tabindex="0" aria-label="Frequently asked questions">${faq}</div>
${chapters}`,
  });
}

const chapterTitles = ["Desks and lamps", "Chairs", "Paper", "Plants", "Headsets", "Mugs", "Storage", "Cables"];
