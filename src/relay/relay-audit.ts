import { recordAudit } from "../audit/trail.js";
import type { AuditEntry } from "../audit/entry.js";
import type { Logger } from "../ops/log.js";
import type { Storage } from "../storage/db.js";
import type { CobrowseSessionAudit } from "./cobrowse-session.js";

/** The policy rule behind an end reason, when a rule (not a person) ended the session or seat. */
const RULE_OF_REASON: Readonly<Record<string, string>> = {
  agent_away: "cobrowse.agentInactivity",
  session_limit: "cobrowse.maxSession",
};

/** The audit entry of a session event: ids, mode and reason only, never page content. */
export function sessionAuditEntry(event: Parameters<CobrowseSessionAudit>[0], meta: Parameters<CobrowseSessionAudit>[1]): AuditEntry {
  const cobrowseSession = `room:${String(meta.room)}@${String(meta.site)}`;
  const rule = RULE_OF_REASON[String(meta.reason)];
  switch (event) {
    case "cobrowse.join":
      return { actor: `agent:${String(meta.agent)}`, action: event, target: cobrowseSession, decision: "success" };
    case "cobrowse.leave":
      // Why the agent's seat ended (left, away too long…), whether or not the session went on.
      return { actor: `agent:${String(meta.agent)}`, action: `${event}.${String(meta.reason)}`, target: cobrowseSession, decision: "info", ...(rule ? { rule } : {}) };
    case "cobrowse.mode":
      return { actor: `visitor:${String(meta.site)}`, action: `${event}.${String(meta.mode)}`, target: cobrowseSession, decision: "info" };
    case "cobrowse.end":
      // Every end names its reason in the action; an end a policy rule caused names the rule.
      return { actor: "system", action: `${event}.${String(meta.reason)}`, target: cobrowseSession, decision: "info", ...(rule ? { rule } : {}) };
    case "cobrowse.start":
      return { actor: `visitor:${String(meta.site)}`, action: event, target: cobrowseSession, decision: "info" };
    case "cobrowse.control":
    case "cobrowse.control.refused":
    case "cobrowse.control.throttled":
      return controlEntry(event, meta, cobrowseSession);
    case "cobrowse.takeover":
      // Another server process continues the session (its owner stopped or lost the visitor's
      // connection): which processes (random ids per start) and the visit's new fencing epoch.
      return { actor: "system", action: event, target: `${cobrowseSession}#from:${String(meta.from)}|to:${String(meta.to)}|epoch:${String(meta.epoch)}`, decision: "info" };
    case "cobrowse.watcher":
      // An agent the visitor let watch starts (their yes) or stops watching (left, removed, session over).
      return meta.change === "leave"
        ? { actor: `agent:${String(meta.agent)}`, action: `${event}.leave.${String(meta.reason)}`, target: cobrowseSession, decision: "info", ...(rule ? { rule } : {}) }
        : { actor: `agent:${String(meta.agent)}`, action: `${event}.join`, target: cobrowseSession, decision: "info" };
    case "cobrowse.guide":
    case "cobrowse.guide.throttled":
      return guideEntry(event, meta, cobrowseSession);
    case "cobrowse.consent": {
      // A consent step with its mode and the agent the question named: the agent asks; the visitor
      // gives, declines or revokes. The target is the session and that agent (`room:…#agent:<id>`).
      // A question withdrawn by a takeover (nobody answered it) is the system's step.
      const step = String(meta.step);
      const actor = step === "asked" ? `agent:${String(meta.agent)}` : step === "withdrawn" ? "system" : `visitor:${String(meta.site)}`;
      return { actor, action: `${event}.${step}.${String(meta.mode)}`, target: `${cobrowseSession}#agent:${String(meta.agent)}`, decision: "info" };
    }
  }
}

/**
 * Told (synchronously, while the session's visit is still known) that a co-browse session
 * started; the returned work joins the audit queue. The chat links the session to the visit's
 * open conversations so their transcripts show it.
 */
export type SessionStarted = (session: string, site: string) => Promise<void>;

/**
 * Writes the sessions' metadata events (start, join, leave, mode, end, watchers, consent) to the
 * audit trail. Sessions run synchronously, so entries are appended in order on a queue; `drain()`
 * waits for the queue before storage closes.
 */
export function relayAudit(storage: Storage, log: Logger, sessionStarted?: SessionStarted): { audit: CobrowseSessionAudit; drain(): Promise<void> } {
  let queue: Promise<unknown> = Promise.resolve();
  const audit: CobrowseSessionAudit = (event, meta) => {
    const entry = sessionAuditEntry(event, meta);
    queue = queue
      .then(() => recordAudit(storage.db, entry))
      .catch((err: unknown) => log.error({ event, err: err instanceof Error ? err.name : typeof err }, "co-browse audit entry failed"));
    if (event === "cobrowse.start" && sessionStarted) {
      const linked = sessionStarted(String(meta.room), String(meta.site));
      queue = queue.then(() => linked).catch((err: unknown) => log.error({ event, err: err instanceof Error ? err.name : typeof err }, "co-browse session link failed"));
    }
  };
  return { audit, drain: () => queue.then(() => undefined) };
}

/**
 * Control actions (see control-audit.ts for the burst rule): the agent, the event kind and the
 * node id, and for a refusal who refused it and why (`relay:node_masked`, `page:value_too_long`).
 * Never the typed value.
 */
function controlEntry(event: string, meta: Record<string, string | number>, session: string): AuditEntry {
  const actor = `agent:${String(meta.agent)}`;
  if (event === "cobrowse.control.throttled") return { actor, action: event, target: session, decision: "info" };
  const target = `${session}/node:${String(meta.node)}`;
  const action = `cobrowse.control.${String(meta.type)}`;
  if (event === "cobrowse.control") return { actor, action, target, decision: "success" };
  return { actor, action, target, decision: "deny", rule: `${String(meta.by)}:${String(meta.reason)}` };
}

/**
 * Guidance (laser, outline, drawing, clear): who (an agent, or the visitor clearing), the tool,
 * and counts — points of a stroke or laser gesture, the outlined node id. Never coordinates.
 */
function guideEntry(event: string, meta: Record<string, string | number>, session: string): AuditEntry {
  const actor = meta.actor === "visitor" ? `visitor:${String(meta.site)}` : `agent:${String(meta.actor)}`;
  if (event === "cobrowse.guide.throttled") return { actor, action: event, target: session, decision: "info" };
  const detail = meta.points !== undefined ? `/points:${String(meta.points)}` : meta.node !== undefined ? `/node:${String(meta.node)}` : "";
  return { actor, action: `cobrowse.guide.${String(meta.tool)}`, target: `${session}${detail}`, decision: "success" };
}
