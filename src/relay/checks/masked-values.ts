import type { ControlEvent } from "../../protocol/agent-messages.js";
import { containsMaskPlaceholder } from "../../protocol/mask.js";
import { fail } from "../failure.js";
import { check } from "./check.js";

/**
 * A masked value never travels back as data: a typed value that carries the mask placeholder
 * (an agent appending to, or editing inside, what it sees masked) is refused; where policy
 * cobrowse.maskedFields says `never`, so is any typed value into a field whose value is masked.
 */
export const maskedValueReplaced = check<{ event: ControlEvent }>("masked-value", ({ room: session, message }) => {
  const e = message.event;
  if (e.type !== "input") return undefined;
  if (containsMaskPlaceholder(e.value)) return fail("masked_value", "a typed value may not contain the mask placeholder: replace the whole value");
  if (session.maskedFieldEdit === "never" && session.valueMasked(e.id)) return fail("masked_value", "policy does not let agents edit masked fields");
  return undefined;
});
