// The closed vocabulary of things a principal can ask to do. Routes and WebSocket message kinds
// name one of these; anything else is denied by the engine (deny by default).

export const ROLES = ["agent-viewer", "agent", "supervisor", "auditor", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Actions an authenticated agent (any role) may be granted in policies/access.yaml. */
export const AGENT_ACTIONS = [
  "console:use",
  "visitors:view",
  "stats:view",
  "cobrowse:invite",
  "cobrowse:view",
  "cobrowse:control",
  "cobrowse:join",
  "chat:handle",
  "chat:transfer",
  "chat:invite",
  "chat:supervise",
  "chatlog:read",
  "chatlog:erase",
  "audit:read",
  "sessions:manage",
  "policy:read",
  "mfa:manage",
  "keys:manage",
  "webhooks:manage",
] as const;

/** Actions of a website visitor's connection; decided from the site registration and consent, never from roles. */
export const VISITOR_ACTIONS = ["visitor:connect", "visitor:share", "visitor:share-canvas", "visitor:chat", "visitor:consent"] as const;

export const ACTIONS = [...AGENT_ACTIONS, ...VISITOR_ACTIONS] as const;

export type AgentAction = (typeof AGENT_ACTIONS)[number];
export type VisitorAction = (typeof VISITOR_ACTIONS)[number];
export type Action = AgentAction | VisitorAction;

/** What each action means, shown by `policy explain` and the effective-policy page. */
export const actionDescriptions: Readonly<Record<Action, string>> = {
  "console:use": "open the console and read one's own identity and permissions",
  "visitors:view": "see the live list of visitors on a site",
  "stats:view": "see queues and live statistics",
  "cobrowse:invite": "ask a visitor to start a co-browse session",
  "cobrowse:view": "see a visitor's page in a co-browse session one takes part in",
  "cobrowse:control": "operate a visitor's page (clicks, typing, scrolling) in control mode",
  "cobrowse:join": "join another agent's co-browse session view-only",
  "chat:handle": "accept chats from the queue and answer them",
  "chat:transfer": "hand a chat one is assigned to over to a colleague",
  "chat:invite": "send a proactive chat invitation to a visitor",
  "chat:supervise": "watch other agents' chats and take them over",
  "chatlog:read": "read stored chat transcripts (every read is audited)",
  "chatlog:erase": "erase a conversation by destroying its data key",
  "audit:read": "read, verify and export the audit trail",
  "sessions:manage": "list and end any agent's login sessions",
  "policy:read": "read the effective policy",
  "mfa:manage": "enroll or replace one's own second factor",
  "keys:manage": "rotate the encryption master key",
  "webhooks:manage": "see webhook deliveries and the dead-letter list, and retry a dead-lettered delivery",
  "visitor:connect": "open a visitor connection from a registered site origin",
  "visitor:share": "send page snapshots and changes to agents after consenting",
  "visitor:share-canvas": "send images of the page's canvases to agents after consenting, where policy enables it",
  "visitor:chat": "send chat messages",
  "visitor:consent": "grant, refuse or revoke co-browse consent",
};

const actionSet: ReadonlySet<string> = new Set(ACTIONS);
const roleSet: ReadonlySet<string> = new Set(ROLES);
const visitorActionSet: ReadonlySet<string> = new Set(VISITOR_ACTIONS);

export function isAction(value: unknown): value is Action {
  return typeof value === "string" && actionSet.has(value);
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && roleSet.has(value);
}

export function isVisitorAction(action: Action): action is VisitorAction {
  return visitorActionSet.has(action);
}
