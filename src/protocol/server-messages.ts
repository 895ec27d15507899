import type { CanvasToAgent } from "./canvas.js";
import type { CobrowseMode } from "./fields.js";
import type { EndReason, ErrorCode } from "./error-codes.js";
import type { ControlEvent } from "./agent-messages.js";
import type { GuidanceToVisitor, GuidesClearedToAgent } from "./guidance.js";
import type { Limits } from "./limits.js";
import type { MaskedFieldEdit } from "./mask.js";
import type { ControlRefusal } from "./visitor-messages.js";
import type { AgentSessionAction, Watcher } from "./watchers.js";

// Server → visitor and server → agent. Produced only by the server, so plain types suffice;
// clients should still parse defensively.

export type SessionState = "waiting" | "active" | "ended";

export interface WelcomeToVisitor {
  kind: "welcome";
  version: number;
  /** The visit: the visitor's tab session, alive across pages and co-browse sessions (chat's visitor id). */
  visit: string;
  /** The visit's current co-browse session (room), or the one its next session will open. */
  session: string;
  /** Single-use token for `resume` (of the visit) after a navigation within the site. */
  resumeToken: string;
  limits: Limits;
}
export interface WelcomeToAgent {
  kind: "welcome";
  version: number;
  room: string;
  mode: CobrowseMode;
  /** How long the agent may be away (viewer hidden or disconnected) before its seat ends. */
  awayLimitMs?: number;
  /** Policy cobrowse.maskInputValues: form values reach agents masked. */
  maskInputValues?: boolean;
  /** Policy cobrowse.maskedFields: whether an agent may replace a masked field's whole value. */
  maskedFields?: MaskedFieldEdit;
}
/** Session state for either side; `reason` is set when the state is `ended`. */
export interface StateMessage {
  kind: "state";
  state: SessionState;
  mode: CobrowseMode;
  agents: number;
  /** The visitor streams the page only while an agent is watching. */
  watching: boolean;
  reason?: EndReason;
  /** v2: who watches now (agents the visitor let in), live; absent from v1 servers. */
  watchers?: Watcher[];
  /** v2, agents only: whether this agent is one of the watchers (sees the page). */
  admitted?: boolean;
  /** v2, agents only: the buttons this agent may use now, as the server decided. */
  actions?: AgentSessionAction[];
  /** v2, agents only: this agent's own watcher id (to find itself in `watchers`). */
  you?: string;
}
/**
 * To the agent whose viewer is away (hidden or disconnected): the seat ends in `endsInMs` unless
 * the viewer is visible again; `endsInMs: null` says the countdown was cancelled.
 */
export interface AwayToAgent {
  kind: "away";
  endsInMs: number | null;
}
/**
 * To an agent taking its seat back after the server process that held the session stopped and
 * another took it over: the page reappears with the visitor's fresh snapshot.
 */
export interface MovedToAgent {
  kind: "moved";
  /**
   * The modes of questions this agent had asked that the visitor had not answered when the
   * server process stopped: they were withdrawn (the visitor's prompt closed); ask again.
   */
  withdrawn?: CobrowseMode[];
}
/** To both sides, before the session reaches the policy's limit (`reason` names the limit). */
export interface EndingSoon {
  kind: "ending";
  reason: "session_limit";
  endsInMs: number;
}
export interface ErrorMessage {
  kind: "error";
  code: ErrorCode;
  message: string;
  /** The `seq` or kind of the refused frame, when known. */
  ref?: number | string;
  /** For a refused control event: the node it named, so the agent's replica can roll back. */
  node?: number;
}
export interface ConsentRequestToVisitor {
  kind: "consent-request";
  request: string;
  mode: CobrowseMode;
  /** The co-browse session asking: consent holds for that session only. */
  session: string;
  /** The agent the answer is given to, by name and role (v2: `watcher` id and `role`). */
  agent: { displayName: string; role?: string; watcher?: string };
  /** v2: another agent asks to watch a session the visitor already shares. */
  additional?: boolean;
}

/** v2: the agent who asked left before the visitor answered; the prompt goes away unanswered. */
export interface ConsentCancelToVisitor {
  kind: "consent-cancel";
  request: string;
}
/** The visitor's answer, sent to the agent who asked. */
export interface ConsentAnswerToAgent {
  kind: "consent";
  answer: "granted" | "denied";
  mode: CobrowseMode;
  /** v2, after a "no": the same question may be asked again after this many milliseconds. */
  retryAfterMs?: number;
}
export interface ControlToVisitor {
  kind: "control";
  event: ControlEvent;
}
/** The relay no longer holds enough to bring a new agent up to date: send a fresh snapshot. */
export interface SnapshotRequestToVisitor {
  kind: "snapshot-request";
}
export interface HighlightToVisitor {
  kind: "highlight";
  x: number;
  y: number;
}

/** Sanitized page content and page events, server → agent. */
export interface SanitizedSnapshot {
  kind: "snapshot";
  seq: number;
  url: string;
  html: string;
  viewport: { width: number; height: number };
  scroll?: { x: number; y: number };
}
export type SanitizedOp =
  | { op: "add"; parent: number; before: number | null; html: string }
  | { op: "remove"; id: number }
  | { op: "attr"; id: number; name: string; value: string | null }
  | { op: "text"; id: number; value: string };
export interface SanitizedMutations {
  kind: "mutations";
  seq: number;
  ops: SanitizedOp[];
}
/** The visitor's page refused a control event (see `control-refused` from the visitor). */
export interface ControlRefusedToAgent {
  kind: "control-refused";
  id: number;
  reason: ControlRefusal;
  type?: ControlEvent["type"];
}
export type PageEventToAgent =
  | { kind: "scroll"; id: number; x: number; y: number }
  | { kind: "viewport"; viewport: { width: number; height: number } }
  | { kind: "pointer"; x: number; y: number }
  | { kind: "focus"; id: number; visible?: boolean }
  | { kind: "hover"; id: number }
  | { kind: "input"; id: number; value: string; masked: boolean }
  | { kind: "navigation"; url: string };

export type ServerToVisitor =
  | WelcomeToVisitor
  | StateMessage
  | ErrorMessage
  | ConsentRequestToVisitor
  | ControlToVisitor
  | HighlightToVisitor
  | SnapshotRequestToVisitor
  | GuidanceToVisitor
  | EndingSoon
  | ConsentCancelToVisitor;
export type ServerToAgent =
  | WelcomeToAgent
  | StateMessage
  | ErrorMessage
  | ConsentAnswerToAgent
  | SanitizedSnapshot
  | SanitizedMutations
  | PageEventToAgent
  | ControlRefusedToAgent
  | CanvasToAgent
  | AwayToAgent
  | MovedToAgent
  | GuidesClearedToAgent
  | EndingSoon;
