import { h } from "../dom.js";
import { statusRegion } from "./notice.js";

let formCount = 0;

export interface CodeFormOptions {
  readonly label: string;
  readonly hint: string;
  readonly submitLabel: string;
  /** `totp` for 6-digit authenticator codes, `recovery` for one-time recovery codes. */
  readonly kind: "totp" | "recovery";
  submit(code: string): Promise<void>;
}

/** A labelled one-code form with its own error reporting; the button is disabled while sending. */
export function codeForm(options: CodeFormOptions): HTMLFormElement {
  const id = `code-${++formCount}`;
  const status = statusRegion();
  const input = h("input", {
    id,
    name: "code",
    class: "code-input",
    required: true,
    autocomplete: options.kind === "totp" ? "one-time-code" : "off",
    inputmode: options.kind === "totp" ? "numeric" : "text",
    spellcheck: "false",
    "aria-describedby": `${id}-hint`,
    ...(options.kind === "totp" ? { pattern: "[0-9 ]{6,8}", maxlength: 8 } : { maxlength: 32 }),
  });
  const button = h("button", { type: "submit", class: "button primary" }, options.submitLabel);
  const form = h(
    "form",
    { class: "code-form", novalidate: true },
    h("label", { for: id }, options.label),
    h("p", { id: `${id}-hint`, class: "hint" }, options.hint),
    h("div", { class: "inline-field" }, input, button),
    status.el,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = input.value.replace(/\s+/g, "");
    if (!code) {
      status.show("error", "Enter a code first.");
      input.focus();
      return;
    }
    button.disabled = true;
    status.clear();
    options
      .submit(code)
      .catch((err: unknown) => {
        status.error(err);
        input.value = "";
        input.setAttribute("aria-invalid", "true");
        input.focus();
      })
      .finally(() => {
        button.disabled = false;
      });
  });
  return form;
}
