import type { EndReason } from "../../protocol/error-codes.js";

// Why the agent's co-browse session (or the agent's own seat in it) ended, as a sentence.

const texts: Readonly<Record<EndReason, string>> = {
  visitor_ended: "The visitor stopped sharing their screen.",
  agent_left: "You left the session.",
  agent_away: "You were away from this page too long (the page was hidden or its connection was lost), so the session ended.",
  session_limit: "The session reached the longest time your organisation allows for one co-browse session.",
  visitor_gone: "The visitor left the site or lost their connection.",
  consent_revoked: "The visitor withdrew their consent.",
  removed_by_visitor: "The visitor removed you from the people watching their page.",
  server_shutdown: "Airlock restarted; the session had to end.",
  protocol_violation: "The visitor's page sent something Airlock could not accept, so the session ended.",
};

export function endReasonText(reason: string | undefined): string {
  return reason !== undefined && Object.hasOwn(texts, reason) ? texts[reason as EndReason] : "The co-browse session has ended.";
}

/** m:ss for a countdown. */
export function clockText(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}
