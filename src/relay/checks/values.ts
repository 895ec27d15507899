import type { ControlEvent } from "../../protocol/agent-messages.js";
import { LIMITS } from "../../protocol/limits.js";
import { fail } from "../failure.js";
import { check } from "./check.js";

const editable: ReadonlySet<string> = new Set(["input", "textarea", "select"]);
/** Keys an agent may press in control mode: printable characters and editing/navigation keys. */
const namedKeys: ReadonlySet<string> = new Set([
  "Enter", "Tab", "Backspace", "Delete", "Escape", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End",
  "PageUp", "PageDown", " ",
]);

/** Control values fit the target: typing only into form fields, bounded length, known keys. */
export const controlValueFits = check<{ event: ControlEvent }>("values", ({ room: session, message }) => {
  const e = message.event;
  if (e.type === "input") {
    if (e.value.length > LIMITS.maxInputValueLength) return fail("value_too_long", "input value too long");
    const tag = session.index.get(e.id)?.tag;
    if (!tag || !editable.has(tag)) return fail("not_allowed", "input events only target form fields");
  }
  if (e.type === "key" && !(namedKeys.has(e.key) || [...e.key].length === 1)) return fail("bad_frame", "unknown key");
  return undefined;
});
