import type { AgentKind, AgentMessage } from "../protocol/agent-messages.js";
import type { CobrowseMode } from "../protocol/fields.js";
import type { VisitorKind, VisitorMessage } from "../protocol/visitor-messages.js";
import { asksNoPolicy, isAsksNoPolicy, type AsksNoPolicy, type MessageAccess } from "../policy/message-guards.js";
import { canvasImageFits, canvasTarget } from "./checks/canvas.js";
import type { Check, CheckInput, CheckOf } from "./checks/check.js";
import { answersPendingRequest, consented, inMode } from "./checks/consent.js";
import { eventTargetKnown, targetKnown, targetKnownOrDocument } from "./checks/nodes.js";
import { notOpened, siteServesOrigin, visitResumable, type OpeningInput } from "./checks/opening.js";
import { pageInSite, urlInSite } from "./checks/origin.js";
import { allowedAsIfGranted, allowedBy, mayJoinOthers } from "./checks/policy.js";
import { inSession, sessionFound, sessionRunning, type RouteInput, type VisitInput } from "./checks/route.js";
import { hasSnapshot, joined, live, notJoined } from "./checks/session.js";
import { maskedValueReplaced } from "./checks/masked-values.js";
import { strokeRoom } from "./checks/guidance.js";
import { controlValueFits } from "./checks/values.js";
import { versionInCommon } from "./checks/version.js";
import { admittedSeat, askAllowed, controllingSeat, notAdmitted, seatKnown } from "./checks/watchers.js";

// Which checks each message kind runs, in order, after the frame-level checks every message
// passes first (size → schema → rate, in the WebSocket layer). Read a row to see everything that
// stands between a message and the other side: nothing else refuses a co-browse message.
//
// A row has three columns: the checks before the policy (session, seat), the policy column, and
// the checks after it (consent, mode, nodes, values). The policy column never names an action:
// it asks the kind's action from the action map (`asks`), or asks it as if the visitor had
// granted a mode (`{ asIfGranted }`), or is `none` — allowed by the types only where the action
// map says the kind asks no policy. Map and table cannot disagree.

type VisitorMsg<K extends VisitorKind> = Extract<VisitorMessage, { kind: K }>;
type AgentMsg<K extends AgentKind> = Extract<AgentMessage, { kind: K }>;

/** The policy column of a row, as its kind's entry in the action map allows it. */
export type PolicyColumn<A extends MessageAccess = MessageAccess> = A extends AsksNoPolicy ? "none" : "asks" | { readonly asIfGranted: CobrowseMode };
export type Row<I, A extends MessageAccess = MessageAccess> = readonly [before: readonly CheckOf<I>[], policy: PolicyColumn<A>, after: readonly CheckOf<I>[]];

/** Policy action per kind (the engine decides each one; nothing is allowed by default). */
export const visitorActions = {
  hello: "visitor:connect",
  resume: "visitor:connect",
  snapshot: "visitor:share",
  mutations: "visitor:share",
  scroll: "visitor:share",
  viewport: "visitor:share",
  pointer: "visitor:share",
  focus: "visitor:share",
  hover: "visitor:share",
  input: "visitor:share",
  navigation: "visitor:share",
  consent: "visitor:consent",
  revoke: "visitor:consent",
  end: "visitor:consent",
  "control-refused": "visitor:share",
  canvas: "visitor:share-canvas",
  "remove-watcher": "visitor:consent",
  // The visitor takes the agents' drawings off their own page.
  "clear-guides": "visitor:consent",
} as const satisfies { readonly [K in VisitorKind]: MessageAccess };

export const agentActions = {
  // Joining asks the visitor; content flows only after consent (view then needs cobrowse:view).
  join: "cobrowse:invite",
  leave: asksNoPolicy("an agent may always give up its own seat; leaving reveals and changes nothing else"),
  activity: "cobrowse:invite",
  presence: "cobrowse:invite",
  "request-control": "cobrowse:control",
  control: "cobrowse:control",
  highlight: "cobrowse:view",
  "request-view": "cobrowse:invite",
  // Guidance is drawn over the page by the visitor script and never acts on it: view is enough.
  laser: "cobrowse:view",
  outline: "cobrowse:view",
  draw: "cobrowse:view",
  "clear-guides": "cobrowse:view",
} as const satisfies { readonly [K in AgentKind]: MessageAccess };

type OpeningKind = "hello" | "resume";
type CobrowseSessionVisitorKind = Exclude<VisitorKind, OpeningKind>;

/** A visitor's first frame, before any room: Relay.openVisitor (a later opening fails `notOpened`). */
export const openingTable: { readonly [K in OpeningKind]: Row<OpeningInput<VisitorMsg<K>>, (typeof visitorActions)[K]> } = {
  //         before                                                        policy  after
  hello:  [[notOpened, versionInCommon, siteServesOrigin],  "asks", [pageInSite]],
  resume: [[notOpened, versionInCommon, visitResumable],    "asks", [pageInSite]],
};

/** A co-browse frame of an open visit on its way to the visit's room: Relay.fromVisitor. No policy is asked here. */
export const visitTable: { readonly [K in CobrowseSessionVisitorKind]: readonly CheckOf<VisitInput<VisitorMsg<K>>>[] } = {
  snapshot:          [sessionRunning],
  mutations:         [sessionRunning],
  scroll:            [sessionRunning],
  viewport:          [sessionRunning],
  pointer:           [sessionRunning],
  focus:             [sessionRunning],
  hover:             [sessionRunning],
  input:             [sessionRunning],
  navigation:        [sessionRunning],
  consent:           [sessionRunning],
  revoke:            [sessionRunning],
  end:               [sessionRunning],
  "control-refused": [sessionRunning],
  canvas:            [sessionRunning],
  "remove-watcher":  [sessionRunning],
  "clear-guides":    [sessionRunning],
};

/** Co-browse frames of an open visit, in its running room: Session.fromVisitor. */
export const visitorTable: { readonly [K in CobrowseSessionVisitorKind]: Row<CheckInput<VisitorMsg<K>>, (typeof visitorActions)[K]> } = {
  //                  session              policy  consent / mode                    nodes / values
  snapshot:          [[live],              "asks", [consented("view"),                urlInSite]],
  // Node checks of a batch run per operation while it is applied (checks/nodes.ts `opTargetKnown`):
  // later operations may name nodes that earlier ones added.
  mutations:         [[live, hasSnapshot], "asks", [consented("view")]],
  scroll:            [[live, hasSnapshot], "asks", [consented("view"),                targetKnownOrDocument]],
  viewport:          [[live],              "asks", [consented("view")]],
  pointer:           [[live, hasSnapshot], "asks", [consented("view")]],
  focus:             [[live, hasSnapshot], "asks", [consented("view"),                targetKnownOrDocument]],
  hover:             [[live, hasSnapshot], "asks", [consented("view"),                targetKnownOrDocument]],
  input:             [[live, hasSnapshot], "asks", [consented("view"),                targetKnown]],
  navigation:        [[live],              "asks", [                                  urlInSite]],
  consent:           [[live],              "asks", [answersPendingRequest]],
  revoke:            [[live],              "asks", []],
  end:               [[live],              "asks", []],
  "control-refused": [[live],              "asks", [consented("control")]],
  canvas:            [[live, hasSnapshot], "asks", [consented("view"),                canvasTarget, canvasImageFits]],
  "remove-watcher":  [[live],              "asks", [                                  seatKnown]],
  "clear-guides":    [[live],              "asks", [consented("view")]],
};

/**
 * An agent message on its way to its session, before the session sees it: on the agent's replica
 * (AgentRouter: the session is known somewhere, the connection joined one) and again at the room's
 * owner (OwnerSeats: the session is open there, the connection is seated). No policy is asked here.
 */
export const routeTable: { readonly [K in AgentKind]: readonly CheckOf<RouteInput<AgentMsg<K>>>[] } = {
  join:              [versionInCommon, sessionFound],
  leave:             [inSession],
  activity:          [inSession],
  presence:          [inSession],
  "request-control": [inSession],
  control:           [inSession],
  highlight:         [inSession],
  "request-view":    [inSession],
  laser:             [inSession],
  outline:           [inSession],
  draw:              [inSession],
  "clear-guides":    [inSession],
};

/** Agent messages in the room: Session.fromAgent. */
export const agentTable: { readonly [K in AgentKind]: Row<CheckInput<AgentMsg<K>>, (typeof agentActions)[K]> } = {
  //                  session / seat              policy                       consent / mode / seat                                  nodes / values
  join:              [[notJoined, live],          "asks",                      [mayJoinOthers]],
  leave:             [[joined],                   "none",                      []],
  activity:          [[live, joined],             "asks",                      []],
  presence:          [[live, joined],             "asks",                      []],
  "request-control": [[live, joined],             { asIfGranted: "control" },  [consented("view"), admittedSeat, askAllowed("control")]],
  control:           [[live, joined],             "asks",                      [consented("control"), controllingSeat, inMode("control"), eventTargetKnown, controlValueFits, maskedValueReplaced]],
  highlight:         [[live, joined],             "asks",                      [consented("view"), admittedSeat]],
  "request-view":    [[live, joined],             "asks",                      [notAdmitted, askAllowed("view")]],
  // Guidance asks the policy as if view were granted, so that before the visitor's yes the refusal is no_consent.
  laser:             [[live, joined],             { asIfGranted: "view" },     [consented("view"), admittedSeat]],
  outline:           [[live, joined],             { asIfGranted: "view" },     [consented("view"), admittedSeat, hasSnapshot, targetKnown]],
  draw:              [[live, joined],             { asIfGranted: "view" },     [consented("view"), admittedSeat, strokeRoom]],
  "clear-guides":    [[live, joined],             { asIfGranted: "view" },     [consented("view"), admittedSeat]],
};

/** A row as the checks it runs, in order: before, the policy check its column derives, after. */
export function rowChecks<I extends AsksPolicy>(row: Row<I>, access: MessageAccess): readonly CheckOf<I>[] {
  const [before, policy, after] = row;
  return [...before, ...policyChecks(policy, access), ...after];
}

/** What a policy check needs of its row's input. */
type AsksPolicy = { readonly decide: (action: string, assume?: Readonly<Record<string, unknown>>) => { allow: boolean; reason: string } };

function policyChecks(policy: PolicyColumn, access: MessageAccess): readonly CheckOf<AsksPolicy>[] {
  // The types already tie the column to the map; this holds for anything built around them.
  if (isAsksNoPolicy(access) !== (policy === "none")) throw new Error(`policy column ${JSON.stringify(policy)} contradicts the action map (${JSON.stringify(access)})`);
  if (isAsksNoPolicy(access) || policy === "none") return [];
  return [policy === "asks" ? allowedBy(access) : allowedAsIfGranted(access, policy.asIfGranted)];
}

function compile<K extends string, I extends AsksPolicy>(table: { readonly [P in K]: Row<I> }, actions: NoInfer<{ readonly [P in K]: MessageAccess }>): { readonly [P in K]: readonly CheckOf<I>[] } {
  const out = {} as Record<K, readonly CheckOf<I>[]>;
  for (const kind of Object.keys(table) as K[]) out[kind] = rowChecks(table[kind], actions[kind]);
  return out;
}

// The rows as the relay runs them. A row's checks are typed by its kind; callers look a row up
// with the kind of the message in hand.
export const openingChecks = compile(openingTable as { readonly [K in OpeningKind]: Row<OpeningInput<VisitorMsg<OpeningKind>>> }, visitorActions);
export const visitorChecks = compile(visitorTable as unknown as { readonly [K in CobrowseSessionVisitorKind]: Row<CheckInput<VisitorMessage>> }, visitorActions);
export const agentChecks = compile(agentTable as unknown as { readonly [K in AgentKind]: Row<CheckInput<AgentMessage>> }, agentActions);
export const visitChecks = visitTable as unknown as { readonly [K in CobrowseSessionVisitorKind]: readonly CheckOf<VisitInput<VisitorMessage>>[] };
export const routeChecks = routeTable as unknown as { readonly [K in AgentKind]: readonly CheckOf<RouteInput<AgentMessage>>[] };

export type { Check };
