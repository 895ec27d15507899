import { h, replaceChildren } from "../dom.js";
import { fillPlaceholders, type PlaceholderValues } from "./placeholders.js";

// The `/` picker of the chat composer: typing "/" at the start of the message or after a space
// opens a listbox of the agent's canned responses; the words after the slash search titles and
// text; ↑/↓ choose, Enter or Tab inserts (placeholders filled), Escape closes. Focus stays in
// the message box (aria-activedescendant names the chosen option), so typing goes on as usual.

export interface CannedResponse {
  readonly title: string;
  readonly body: string;
}

export interface CannedPickerOptions {
  /** The responses of the agent's teams (loaded when the picker first opens, then kept). */
  load(): Promise<readonly CannedResponse[]>;
  /** Placeholder values at the moment of inserting. */
  values(): PlaceholderValues;
}

export interface CannedPicker {
  /** The popup; place it inside a positioned container around the message box. */
  readonly element: HTMLElement;
  /** Starts a search from a button: puts "/" at the caret and opens the list. */
  open(): void;
  close(): void;
}

let pickerCount = 0;
const MAX_SHOWN = 8;

/** The "/query" being typed just before the caret, if any. */
function slashQuery(input: HTMLTextAreaElement): { start: number; query: string } | undefined {
  const caret = input.selectionStart;
  if (caret !== input.selectionEnd) return undefined;
  const before = input.value.slice(0, caret);
  const match = /(^|\s)\/([^\s/]*(?: [^\s/]+)*)$/.exec(before);
  if (!match) return undefined;
  const query = match[2] ?? "";
  return { start: caret - query.length - 1, query };
}

function matches(r: CannedResponse, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = `${r.title} ${r.body}`.toLowerCase();
  return words.every((w) => haystack.includes(w));
}

export function attachCannedPicker(input: HTMLTextAreaElement, options: CannedPickerOptions): CannedPicker {
  const id = `canned-picker-${++pickerCount}`;
  const list = h("ul", { id: `${id}-list`, role: "listbox", class: "canned-options", "aria-label": "Canned responses" });
  const hint = h("p", { id: `${id}-hint`, class: "canned-picker-hint" }, "Canned responses: ↑ ↓ to choose, Enter to insert, Esc to close");
  const count = h("p", { class: "visually-hidden", "aria-live": "polite" });
  const element = h("div", { class: "canned-picker", hidden: true }, hint, list, count);
  let responses: readonly CannedResponse[] | undefined;
  let loading: Promise<void> | undefined;
  let shown: CannedResponse[] = [];
  let active = 0;
  let open = false;

  const describedBy = input.getAttribute("aria-describedby");
  input.setAttribute("aria-describedby", describedBy ? `${describedBy} ${id}-hint` : `${id}-hint`);
  input.setAttribute("aria-autocomplete", "list");

  const close = () => {
    open = false;
    element.hidden = true;
    input.removeAttribute("aria-controls");
    input.removeAttribute("aria-activedescendant");
  };

  const insert = (r: CannedResponse) => {
    const q = slashQuery(input);
    const text = fillPlaceholders(r.body, options.values());
    const start = q ? q.start : input.selectionStart;
    const end = input.selectionStart;
    input.setRangeText(text, start, end, "end");
    close();
    input.focus();
    // The composer listens for input (typing indicator, its own state).
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };

  const markActive = () => {
    const options = list.querySelectorAll<HTMLElement>("[role=option]");
    options.forEach((o, i) => o.setAttribute("aria-selected", String(i === active)));
    const current = options[active];
    if (current) {
      input.setAttribute("aria-activedescendant", current.id);
      current.scrollIntoView({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
  };

  const render = (query: string) => {
    if (!responses) {
      replaceChildren(list, h("li", { class: "canned-empty", role: "presentation" }, "Loading canned responses…"));
      return;
    }
    shown = responses.filter((r) => matches(r, query)).slice(0, MAX_SHOWN);
    active = Math.min(active, Math.max(0, shown.length - 1));
    replaceChildren(
      list,
      shown.length === 0
        ? h("li", { class: "canned-empty", role: "presentation" }, responses.length === 0 ? "No canned responses for your teams yet." : `No canned response matches "${query}".`)
        : shown.map((r, i) =>
            h(
              "li",
              {
                id: `${id}-option-${i}`,
                role: "option",
                "aria-selected": "false",
                class: "canned-option",
                on: {
                  // Keep focus in the message box; insert on click.
                  mousedown: (e: MouseEvent) => e.preventDefault(),
                  click: () => insert(r),
                },
              },
              h("span", { class: "canned-option-title" }, r.title),
              h("span", { class: "canned-option-body" }, r.body),
            ),
          ),
    );
    count.textContent = responses.length === 0 ? "No canned responses." : `${shown.length} canned response${shown.length === 1 ? "" : "s"} match.`;
    markActive();
  };

  const refresh = () => {
    const q = slashQuery(input);
    if (!q) return close();
    if (!open) {
      open = true;
      active = 0;
      element.hidden = false;
      input.setAttribute("aria-controls", list.id);
    }
    render(q.query);
    if (!responses && !loading) {
      loading = options.load().then(
        (loaded) => {
          responses = loaded;
          if (open) render(slashQuery(input)?.query ?? "");
        },
        () => {
          loading = undefined;
          replaceChildren(list, h("li", { class: "canned-empty", role: "presentation" }, "Canned responses could not be loaded. Type / again to retry."));
        },
      );
    }
  };

  input.addEventListener("input", refresh);
  input.addEventListener("click", refresh);
  input.addEventListener("blur", close);
  // Capture: these keys belong to the picker while it is open, before the composer sees them (Enter sends).
  input.addEventListener(
    "keydown",
    (e) => {
      if (!open || e.isComposing) return;
      const take = () => (e.preventDefault(), e.stopImmediatePropagation());
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        take();
        if (shown.length) active = (active + (e.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
        markActive();
      } else if ((e.key === "Enter" && !e.shiftKey) || e.key === "Tab") {
        const chosen = shown[active];
        // Nothing matches: the slash was meant as text; Enter sends as usual.
        if (!chosen) return close();
        take();
        insert(chosen);
      } else if (e.key === "Escape") {
        take();
        close();
      }
    },
    { capture: true },
  );

  return {
    element,
    open() {
      input.focus();
      const caret = input.selectionStart;
      const needsSpace = caret > 0 && !/\s$/.test(input.value.slice(0, caret));
      input.setRangeText(needsSpace ? " /" : "/", caret, input.selectionEnd, "end");
      refresh();
    },
    close,
  };
}
