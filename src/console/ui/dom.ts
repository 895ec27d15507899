// Builds DOM nodes without ever parsing HTML from strings: text goes in as text nodes, so no
// value from the server can become markup. (Trusted Types would refuse an innerHTML string anyway.)

export type Child = Node | string | number | false | null | undefined | readonly Child[];

type Listeners = { readonly [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };

export interface Props {
  /** Attributes; `true` sets an empty attribute, `false`/`undefined` leaves it out. */
  readonly [attribute: string]: string | number | boolean | undefined | Listeners;
  readonly on?: Listeners;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === "on") continue;
    if (value === true) el.setAttribute(name, "");
    else if (typeof value === "string" || typeof value === "number") el.setAttribute(name, String(value));
  }
  for (const [type, listener] of Object.entries(props.on ?? {})) el.addEventListener(type, listener as EventListener);
  append(el, children);
  return el;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child as readonly Child[]);
    else parent.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : (child as Node));
  }
}

/** Replaces everything inside `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}
