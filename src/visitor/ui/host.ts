import { pickLang, type Lang } from "./i18n.js";

// One shared host for everything the visitor script shows (co-browsing prompts and bar, the
// chat widget): an element in the page holding a shadow root. Styles go in through
// constructable stylesheets, never inline `<style>` or style attributes, so a host page with
// `style-src 'self'` keeps working; the page's own CSS cannot leak in. The capture skips the
// host element, so agents never see Airlock's own UI in the page copy.

export interface UiHost {
  /** Put feature UI in here (inside the shadow root). */
  readonly root: ShadowRoot;
  readonly lang: Lang;
  /** Adds a stylesheet to the shadow root (once per distinct text). */
  addStyles(cssText: string): void;
  /** Whether a node is (inside) this host: the capture and control checks skip it. */
  contains(node: Node): boolean;
}

const HOST_ATTRIBUTE = "data-airlock-ui";
let current: UiHost | undefined;
let hostElement: Element | undefined;

export function uiHost(langHint?: string | null): UiHost {
  if (current) return current;
  const el = document.createElement("div");
  el.setAttribute(HOST_ATTRIBUTE, "");
  hostElement = el;
  const root = el.attachShadow({ mode: "open" });
  const added = new Set<string>();
  const ensureAttached = () => {
    if (!el.isConnected) document.documentElement.appendChild(el);
  };
  ensureAttached();
  const host: UiHost = {
    root,
    lang: pickLang(langHint),
    addStyles(cssText) {
      if (added.has(cssText)) return;
      added.add(cssText);
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(cssText);
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    },
    contains(node) {
      ensureAttached();
      return node === el || el.contains(node);
    },
  };
  current = host;
  return host;
}

/** True for the UI host element itself, or the guidance overlay's (cheap check used while serializing). */
export function isUiHostElement(el: Element): boolean {
  return el === hostElement || el === overlayElement;
}

const OVERLAY_ATTRIBUTE = "data-airlock-guides";
let overlayElement: Element | undefined;

/**
 * The agents' guidance overlay: an element of its own over the whole viewport, with a closed
 * shadow root (the page cannot reach in). It never takes a pointer event, focus or a key: the
 * inline `!important` declarations beat anything the page's stylesheets say about it, and it has
 * no focusable content. The capture skips it like the UI host.
 */
export function overlayHost(): { readonly element: HTMLElement; readonly root: ShadowRoot } {
  const el = document.createElement("div");
  el.setAttribute(OVERLAY_ATTRIBUTE, "");
  el.setAttribute("aria-hidden", "true");
  // CSSOM writes are allowed under a style-src without 'unsafe-inline' (style attributes are not).
  const fixed: Readonly<Record<string, string>> = {
    all: "initial",
    display: "block",
    position: "fixed",
    inset: "0",
    width: "100vw",
    height: "100vh",
    margin: "0",
    padding: "0",
    border: "0",
    overflow: "hidden",
    "pointer-events": "none",
    "user-select": "none",
    "z-index": "2147483645",
    contain: "strict",
  };
  for (const [name, value] of Object.entries(fixed)) el.style.setProperty(name, value, "important");
  el.inert = true;
  const root = el.attachShadow({ mode: "closed" });
  overlayElement = el;
  document.documentElement.appendChild(el);
  return { element: el, root };
}

/** Small DOM builder: no innerHTML anywhere (host pages may enforce Trusted Types). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) el.append(c);
  return el;
}
