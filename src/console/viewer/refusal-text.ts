import type { ErrorCode } from "../../protocol/error-codes.js";
import type { ControlRefusal } from "../../protocol/visitor-messages.js";

// What the agent reads when Airlock or the visitor's page refused something the agent did.

const texts: Partial<Record<ErrorCode | ControlRefusal, string>> = {
  secret_field: "Password and card fields stay with the visitor: the page did not let you act on it.",
  not_editable: "The visitor's page cannot take that input there.",
  masked_value: "That field's value is hidden from you: you can only replace it whole by typing a new value, where policy allows it.",
  node_masked: "That part of the visitor's page is private: Airlock does not let agents act on it.",
  unknown_node: "That element is no longer on the visitor's page.",
  value_too_long: "That text is too long for the field.",
  no_consent: "The visitor has not agreed to this.",
  ask_paused: "The visitor said no a moment ago. You can ask again once the pause is over.",
  wrong_mode: "This needs control of the visitor's page.",
  not_allowed: "Your role does not allow this.",
  rate_limited: "Too many actions at once; slow down a little.",
  session_ended: "The co-browse session is over.",
  // The join is sent again by itself (agent-socket.ts) until the session's new server process has it.
  session_moving: "Reconnecting to the visitor's page…",
  account_deactivated: "Your organisation has deactivated your Airlock account, so you were signed out.",
  too_many_strokes: "There are as many drawings on the visitor's page as Airlock allows. Clear them to draw again.",
};

/** A sentence for a refusal code; unknown codes are shown as words. */
export function refusalText(code: string): string {
  return (texts as Record<string, string | undefined>)[code] ?? `Refused: ${code.replace(/_/g, " ")}.`;
}
