import type { CobrowseMode } from "../../protocol/fields.js";
import { fail } from "../failure.js";
import { check } from "./check.js";

/** The visitor has granted this mode (control implies an explicit, separate grant). */
export function consented(mode: CobrowseMode) {
  return check<unknown>(`consent:${mode}`, ({ room: session }) =>
    session.granted[mode] ? undefined : fail("no_consent", `the visitor has not granted ${mode} mode`),
  );
}

/** The session currently runs in this mode. */
export function inMode(mode: CobrowseMode) {
  return check<unknown>(`mode:${mode}`, ({ room: session }) => (session.mode === mode ? undefined : fail("wrong_mode", `needs ${mode} mode`)));
}

/** A consent answer must answer the request the server actually made. */
export const answersPendingRequest = check<{ request: string; mode: CobrowseMode }>("consent-request", ({ room: session, message }) => {
  const pending = session.pendingConsent;
  if (!pending || pending.request !== message.request || pending.mode !== message.mode) {
    return fail("wrong_state", "no such consent request is pending");
  }
  return undefined;
});
