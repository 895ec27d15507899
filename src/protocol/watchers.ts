// Who watches a co-browse session, and what an agent may do in it. Types only (browser-safe):
// the server fills them in; the visitor script names every watcher from them and the console
// shows exactly the actions the server lists (it never guesses from roles).

/** An agent seated in a session, as the visitor and the other agents see them. */
export interface Watcher {
  /** Random per seat, never the agent's IdP subject: the visitor removes a watcher by it. */
  readonly id: string;
  readonly displayName: string;
  /** The agent's co-browse role (`agent`, `agent-viewer`, `supervisor`); the script words it. */
  readonly role: string;
  /** This watcher operates the page (control granted to them by name). */
  readonly controlling: boolean;
}

/**
 * Buttons the console may offer an agent in a session, decided by the server for that agent and
 * that session now (policy, consent, the pause after a "no"). Sent in every `state` to agents.
 */
export const AGENT_SESSION_ACTIONS = ["highlight", "request-control", "request-view", "leave"] as const;
export type AgentSessionAction = (typeof AGENT_SESSION_ACTIONS)[number];

/** Co-browse roles in the order the visitor is told about them (the most senior one a principal has). */
export const WATCHER_ROLES = ["supervisor", "agent", "agent-viewer"] as const;
