import { MAX_NOTE_CHARS } from "../../../protocol/chat-frames.js";
import { h } from "../dom.js";

export interface Colleague {
  readonly id: string;
  readonly name: string;
}

let formCount = 0;

/**
 * The transfer form of one conversation: the colleagues available for its site (online, not
 * away) as labelled choices, an optional note only agents see (the receiving agent reads it at
 * the top of the chat), Transfer and Cancel. Escape cancels. The server decides again: a
 * colleague who went away in the meantime is refused (`agent_unavailable`).
 */
export function transferForm(colleagues: readonly Colleague[], on: { transfer(to: string, note: string): void; cancel(): void }): HTMLElement {
  const id = `transfer-${++formCount}`;
  if (colleagues.length === 0) {
    return h(
      "div",
      { class: "chat-transfer-form", role: "group", "aria-label": "Transfer this chat" },
      h("p", { class: "hint" }, "No colleague is available for this site right now. Colleagues who are away are not listed."),
      h("button", { type: "button", class: "button secondary small", on: { click: () => on.cancel() } }, "Close"),
    );
  }
  const choices = colleagues.map((c, i) =>
    h(
      "label",
      { class: "chat-transfer-choice" },
      h("input", { type: "radio", name: `${id}-to`, value: c.id, ...(i === 0 ? { checked: true } : {}) }),
      h("span", {}, c.name),
    ),
  );
  const count = h("span", { id: `${id}-count`, class: "hint" }, `0 of ${MAX_NOTE_CHARS} characters`);
  const note = h("textarea", { id: `${id}-note`, rows: 2, maxlength: MAX_NOTE_CHARS, "aria-describedby": `${id}-count` });
  note.addEventListener("input", () => (count.textContent = `${[...note.value].length} of ${MAX_NOTE_CHARS} characters`));
  const form = h(
    "form",
    { class: "chat-transfer-form" },
    h("fieldset", {}, h("legend", {}, "Transfer to an available colleague or a team"), h("div", { class: "chat-transfer-choices" }, choices)),
    h("label", { for: `${id}-note` }, "Note for your colleague (optional; the visitor does not see it)"),
    note,
    count,
    h(
      "div",
      { class: "chat-transfer-buttons" },
      h("button", { type: "submit", class: "button small" }, "Transfer chat"),
      h("button", { type: "button", class: "button secondary small", on: { click: () => on.cancel() } }, "Cancel"),
    ),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const to = form.querySelector<HTMLInputElement>(`input[name="${id}-to"]:checked`)?.value;
    if (to) on.transfer(to, note.value.trim());
  });
  form.addEventListener("keydown", (e) => {
    if (e.key === "Escape") on.cancel();
  });
  return form;
}
