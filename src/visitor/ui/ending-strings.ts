import type { EndReason } from "../../protocol/error-codes.js";
import type { Dictionary } from "./i18n.js";

// What the visitor reads when a co-browse session ends (and why), or is about to reach its time
// limit. `{agent}` is the agent's display name; `{left}` a countdown (m:ss).

export type EndingKey =
  | EndReason
  | "endedTitle"
  | "unknown"
  | "someAgent"
  | "endingSoon"
  | "dismiss";

export const endingStrings: Dictionary<EndingKey> = {
  en: {
    endedTitle: "Screen sharing has ended",
    visitor_ended: "You stopped sharing your screen.",
    agent_left: "{agent} left the session.",
    agent_away: "{agent} was away for too long, so the session ended automatically.",
    session_limit: "The session reached its time limit.",
    visitor_gone: "Your connection was interrupted for too long.",
    consent_revoked: "You withdrew your consent.",
    removed_by_visitor: "You removed the last person watching.",
    server_shutdown: "The support service restarted.",
    protocol_violation: "A technical problem ended the session.",
    unknown: "The session is over.",
    someAgent: "The support agent",
    endingSoon: "Screen sharing ends in {left}: the session is reaching its time limit.",
    dismiss: "OK",
  },
  de: {
    endedTitle: "Die Bildschirmfreigabe wurde beendet",
    visitor_ended: "Sie haben die Freigabe beendet.",
    agent_left: "{agent} hat die Sitzung verlassen.",
    agent_away: "{agent} war zu lange abwesend, daher wurde die Sitzung automatisch beendet.",
    session_limit: "Die Sitzung hat ihre maximale Dauer erreicht.",
    visitor_gone: "Ihre Verbindung war zu lange unterbrochen.",
    consent_revoked: "Sie haben Ihre Zustimmung zurückgezogen.",
    removed_by_visitor: "Sie haben die letzte zusehende Person entfernt.",
    server_shutdown: "Der Support-Dienst wurde neu gestartet.",
    protocol_violation: "Ein technisches Problem hat die Sitzung beendet.",
    unknown: "Die Sitzung ist vorbei.",
    someAgent: "Ihr Ansprechpartner",
    endingSoon: "Die Bildschirmfreigabe endet in {left}: Die Sitzung erreicht ihre maximale Dauer.",
    dismiss: "OK",
  },
};
