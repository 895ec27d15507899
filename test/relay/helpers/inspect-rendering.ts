import type { Page } from "playwright-core";

// Renders sanitized HTML in real Chromium with no sandbox and no CSP, then looks for any sign of
// script or of a request to somewhere other than the asset proxy: trapped dialogs, a global
// flag set by any executing script, events fired on every element, h5sc triggers run, and a
// static walk of the DOM with the browser's own URL parser.

export interface RenderFinding {
  readonly name: string;
  readonly problem: string;
}

const PAGE_ORIGIN = "http://render.test";

const trap = `
  window.__xss = [];
  for (const f of ["alert", "confirm", "prompt", "print"]) window[f] = (...a) => { window.__xss.push(f); };
  // Forms without an action would reload this page; the page copy's sandbox makes them inert too.
  document.addEventListener("submit", (e) => e.preventDefault(), true);
`;

/** Static checks, run inside the page for one container element. */
function staticCheck(container: Element, proxyPrefix: string): string[] {
  const problems: string[] = [];
  const urlAttrs = ["href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "ping", "codebase", "cite"];
  const forbidden = ["script", "iframe", "frame", "object", "embed", "base", "meta", "applet", "portal", "noscript", "template"];
  const okUrl = (raw: string): boolean => {
    try {
      const u = new URL(raw.trim(), document.baseURI);
      return u.href.startsWith(proxyPrefix) || (raw.trim().startsWith("#") && u.href.startsWith(document.baseURI.split("#")[0] ?? ""));
    } catch {
      return false;
    }
  };
  for (const el of container.querySelectorAll("*")) {
    const tag = el.localName;
    if (forbidden.includes(tag)) problems.push(`<${tag}> present`);
    for (const attr of el.getAttributeNames()) {
      const value = el.getAttribute(attr) ?? "";
      if (attr.startsWith("on")) problems.push(`${attr} attribute on <${tag}>`);
      if (attr === "srcdoc") problems.push("srcdoc attribute");
      if (urlAttrs.includes(attr) && !okUrl(value)) problems.push(`${attr} on <${tag}> points outside the proxy`);
      if (attr === "srcset" || attr === "imagesrcset") {
        for (const c of value.split(",")) if (c.trim() && !okUrl(c.trim().split(/\s+/)[0] ?? "")) problems.push(`srcset outside the proxy`);
      }
    }
    const css = tag === "style" ? (el.textContent ?? "") : (el.getAttribute("style") ?? "");
    for (const m of css.matchAll(/url\(\s*(["']?)([^"')]*)\1\s*\)/gi)) if (!okUrl(m[2] ?? "")) problems.push(`css url() outside the proxy in <${tag}>`);
    if (/@import/i.test(css) && !/@import\s+url\(/i.test(css)) problems.push("bare @import");
  }
  return problems;
}

export async function renderAndInspect(page: Page, items: readonly { name: string; html: string; trigger?: string }[], proxyPrefix: string): Promise<RenderFinding[]> {
  const findings: RenderFinding[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  await page.route("**/*", async (route) => {
    const url = route.request().url();
    if (url === `${PAGE_ORIGIN}/`) {
      const body = items.map((it, i) => `<div id="case-${i}">${it.html}</div>`).join("\n");
      await route.fulfill({ status: 200, contentType: "text/html", body: `<!doctype html><html><head></head><body>${body}</body></html>` });
      return;
    }
    requests.push(url);
    await route.abort();
  });
  page.on("dialog", (d) => {
    dialogs.push(d.type());
    d.dismiss().catch(() => undefined);
  });
  await page.addInitScript(trap);
  await page.goto(`${PAGE_ORIGIN}/`, { waitUntil: "load" });
  const navigatedAway = () => page.url() !== `${PAGE_ORIGIN}/`;

  for (const [i, it] of items.entries()) {
    const problems = await page.evaluate(
      ({ id, prefix, fn }) => {
        const container = document.getElementById(id);
        if (!container) return ["container missing (markup escaped its box)"];
        // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the check's source is shipped into the test browser as text; compiling it there is the point
        const check = new Function("container", "proxyPrefix", `return (${fn})(container, proxyPrefix);`) as (c: Element, p: string) => string[];
        return check(container, prefix);
      },
      { id: `case-${i}`, prefix: proxyPrefix, fn: staticCheck.toString() },
    );
    for (const p of problems) findings.push({ name: it.name, problem: p });
  }
  // Interaction: every event an on* handler or a trigger could need, on every element.
  await page.evaluate(() => {
    const events = ["click", "dblclick", "mouseover", "mouseenter", "mousedown", "mouseup", "focus", "blur", "input", "change",
      "keydown", "keyup", "load", "error", "animationstart", "transitionend", "toggle", "submit", "scroll", "pointerover"];
    for (const el of document.querySelectorAll("body *")) {
      for (const type of events) {
        try {
          el.dispatchEvent(new Event(type, { bubbles: true, cancelable: true }));
        } catch {
          /* some elements refuse some events */
        }
      }
      if (el instanceof HTMLElement) {
        try {
          el.focus();
          el.click();
        } catch {
          /* ignore */
        }
      }
    }
  });
  for (const it of items) {
    if (!it.trigger || navigatedAway()) continue;
    await page.evaluate((code) => {
      try {
        // eslint-disable-next-line @typescript-eslint/no-implied-eval -- runs the corpus entry's own trigger script in the test browser, as a page would
        (new Function(code) as () => void)();
      } catch {
        /* a trigger that finds no element is fine: the element was removed */
      }
    }, it.trigger);
  }
  await page.waitForTimeout(200);
  if (navigatedAway()) findings.push({ name: "(page)", problem: `navigated to ${page.url()}` });
  else {
    const fired = await page.evaluate(() => (window as unknown as { __xss: string[] }).__xss);
    for (const f of fired) findings.push({ name: "(page)", problem: `script ran: ${f}()` });
  }
  for (const d of dialogs) findings.push({ name: "(page)", problem: `dialog opened: ${d}` });
  for (const r of requests) if (!r.startsWith(proxyPrefix)) findings.push({ name: "(page)", problem: `request left for ${new URL(r).origin}` });
  await page.unroute("**/*");
  return findings;
}
