// The demo shop's own browser script (served as /demo/shop.js): a cart kept in localStorage,
// rendered with DOM calls only (the page runs under Trusted Types, so no innerHTML), and a
// checkout that confirms without sending anything anywhere.
export const shopScript = `"use strict";
(function () {
  var KEY = "northwind-cart";
  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function save(items) { try { localStorage.setItem(KEY, JSON.stringify(items)); } catch (e) {} }
  function euro(cents) { return "\\u20ac" + (cents / 100).toFixed(2); }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }

  function render() {
    var items = load();
    var count = items.reduce(function (n, i) { return n + i.qty; }, 0);
    var total = items.reduce(function (n, i) { return n + i.qty * i.price; }, 0);
    var badge = document.getElementById("cart-count");
    if (badge) badge.textContent = String(count);
    var list = document.getElementById("cart-items");
    var sum = document.getElementById("cart-total");
    if (sum) sum.textContent = euro(total);
    if (!list) return;
    list.replaceChildren();
    if (items.length === 0) { list.appendChild(el("li", "empty", "Your cart is empty.")); return; }
    items.forEach(function (i) {
      var li = el("li", "line");
      li.appendChild(el("span", "qty", i.qty + "\\u00d7"));
      li.appendChild(el("span", "name", i.name));
      li.appendChild(el("span", "amount", euro(i.qty * i.price)));
      var rm = el("button", "remove", "Remove");
      rm.type = "button";
      rm.setAttribute("aria-label", "Remove " + i.name);
      rm.addEventListener("click", function () { save(load().filter(function (x) { return x.id !== i.id; })); render(); });
      li.appendChild(rm);
      list.appendChild(li);
    });
  }

  document.addEventListener("click", function (e) {
    var t = e.target;
    var button = t && t.closest ? t.closest("button.add") : null;
    if (!button) return;
    var items = load();
    var id = button.getAttribute("data-product");
    var found = items.filter(function (i) { return i.id === id; })[0];
    if (found) found.qty += 1;
    else items.push({ id: id, name: button.getAttribute("data-name"), price: Number(button.getAttribute("data-price")), qty: 1 });
    save(items);
    render();
    button.textContent = "Added \\u2713";
    setTimeout(function () { button.textContent = "Add to cart"; }, 1200);
  });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    e.preventDefault();
    var status = form.querySelector(".status");
    if (form.id === "checkout-form") {
      var missing = ["name", "address"].filter(function (n) { return !form.elements[n].value.trim(); });
      if (status) status.textContent = missing.length ? "Please fill in: " + missing.join(", ") + "." : "Thank you! This was a demo: no order was placed.";
      if (!missing.length) { save([]); render(); }
    }
  });

  var reveal = document.getElementById("nosync-button");
  if (reveal) reveal.addEventListener("click", function () {
    reveal.parentNode.appendChild(el("p", "statement", "Statement: salary +3,200.00, rent -1,150.00"));
  });

  // Bar charts drawn on <canvas>: agents see them only where the co-browse policy enables canvas images.
  function chart(id, values, color) {
    var c = document.getElementById(id);
    var g = c && c.getContext ? c.getContext("2d") : null;
    if (!g) return;
    var months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun"];
    var w = c.width, h = c.height, left = 12, base = h - 24, max = Math.max.apply(null, values);
    var slot = (w - left * 2) / values.length;
    g.fillStyle = "#ffffff";
    g.fillRect(0, 0, w, h);
    g.fillStyle = "#d6cfc4";
    g.fillRect(left, base, w - left * 2, 1);
    g.font = "12px system-ui, sans-serif";
    g.textAlign = "center";
    values.forEach(function (v, i) {
      var barH = (base - 16) * v / max, x = left + i * slot + slot * 0.2;
      g.fillStyle = color;
      g.fillRect(x, base - barH, slot * 0.6, barH);
      g.fillStyle = "#4b5563";
      g.fillText(months[i] + " · " + v, x + slot * 0.3, base + 16);
    });
  }
  chart("orders-chart", [3, 5, 2, 6, 4, 7], "#b45309");
  chart("balance-chart", [9800, 11200, 10400, 12900, 11800, 12345], "#0b5cad");

  addEventListener("storage", render);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", render); else render();
})();
`;
