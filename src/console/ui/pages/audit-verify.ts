import { api } from "../api.js";
import { formatTime } from "../components/format.js";
import { errorNotice, notice } from "../components/notice.js";
import { h, replaceChildren } from "../dom.js";
import { verifySchema, type VerifyOutcome } from "./audit-api.js";

function outcome(v: VerifyOutcome): HTMLElement {
  const when = `Checked ${formatTime(v.checkedAt)}.`;
  if (v.ok) {
    return notice(
      "success",
      h("strong", { "data-testid": "verify-verdict" }, "The audit trail is intact."),
      ` ${v.entries} entries verified up to entry #${v.headSeq}. `,
      h("span", { class: "hint" }, when),
      h("div", { class: "mono hash" }, `Head hash ${v.headHash}`),
    );
  }
  return notice(
    "error",
    h("strong", { "data-testid": "verify-verdict" }, `The audit trail is broken at entry #${v.brokenAt}.`),
    h("div", { "data-testid": "verify-reason" }, v.reason.charAt(0).toUpperCase() + v.reason.slice(1) + "."),
    h("div", { class: "hint" }, `${v.entries} entries before it verified. ${when}`),
  );
}

/** A button that walks the whole hash chain on the server and shows the outcome here. */
export function verifyControl(signal: AbortSignal): { button: HTMLButtonElement; result: HTMLElement } {
  const result = h("div", { class: "verify-result", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "button primary verify-button" }, "Verify chain");
  button.addEventListener("click", () => {
    button.disabled = true;
    replaceChildren(result, notice("info", "Verifying every link of the chain…"));
    api
      .get("/api/v1/audit/verify", verifySchema)
      .then((v) => {
        if (!signal.aborted) replaceChildren(result, outcome(v));
      })
      .catch((err: unknown) => replaceChildren(result, errorNotice(err)))
      .finally(() => {
        button.disabled = false;
      });
  });
  return { button, result };
}
