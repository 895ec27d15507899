import { h } from "../dom.js";
import { notice } from "./notice.js";

/**
 * Freshly issued recovery codes: shown once, with copy and download, because the server keeps
 * only their hashes and cannot show them again.
 */
export function recoveryCodesPanel(codes: readonly string[]): HTMLElement {
  const text = `Airlock recovery codes (each works once)\n\n${codes.join("\n")}\n`;
  const copied = h("span", { class: "hint", "aria-live": "polite" });
  const copy = h("button", {
    type: "button",
    class: "button secondary",
    on: {
      click: () => {
        navigator.clipboard.writeText(text).then(
          () => (copied.textContent = "Copied."),
          () => (copied.textContent = "Copying is not allowed here; select the codes instead."),
        );
      },
    },
  }, "Copy codes");
  const download = h("a", { class: "button secondary", download: "airlock-recovery-codes.txt", href: URL.createObjectURL(new Blob([text], { type: "text/plain" })) }, "Download as text");
  return h(
    "section",
    { class: "recovery-codes", "aria-labelledby": "recovery-codes-title" },
    h("h2", { id: "recovery-codes-title" }, "Your recovery codes"),
    notice("warning", "Store these codes somewhere safe now. Each one signs you in once if you lose your authenticator; Airlock cannot show them again."),
    h("ol", { class: "codes", "data-testid": "recovery-codes" }, codes.map((c) => h("li", {}, h("code", {}, c)))),
    h("div", { class: "actions" }, copy, download, copied),
  );
}
