import type { AgentKind, AgentMessage } from "../protocol/agent-messages.js";
import type { VisitorKind, VisitorMessage } from "../protocol/visitor-messages.js";
import type { Action } from "../policy/actions.js";
import { canvasImageFits, canvasTarget } from "./checks/canvas.js";
import type { Check } from "./checks/check.js";
import { answersPendingRequest, consented, inMode } from "./checks/consent.js";
import { eventTargetKnown, targetKnown, targetKnownOrDocument } from "./checks/nodes.js";
import { urlInSite } from "./checks/origin.js";
import { allowedBy, mayAskFor, mayJoinOthers } from "./checks/policy.js";
import { hasSnapshot, joined, live } from "./checks/session.js";
import { maskedValueReplaced } from "./checks/masked-values.js";
import { controlValueFits } from "./checks/values.js";
import { admittedSeat, askAllowed, controllingSeat, notAdmitted, seatKnown } from "./checks/watchers.js";

// Which checks each message kind runs, in order, after the frame-level checks every message
// passes first (size → schema → rate, in the WebSocket layer). Read a row to see everything that
// stands between a message and the other side.

type Row<M> = readonly Check<M>[];
type VisitorTable = { readonly [K in VisitorKind]: Row<Extract<VisitorMessage, { kind: K }>> };
type AgentTable = { readonly [K in AgentKind]: Row<Extract<AgentMessage, { kind: K }>> };

/** Policy action per kind (the engine decides each one; nothing is allowed by default). */
export const visitorActions: { readonly [K in VisitorKind]: Action } = {
  hello: "visitor:connect",
  resume: "visitor:connect",
  snapshot: "visitor:share",
  mutations: "visitor:share",
  scroll: "visitor:share",
  viewport: "visitor:share",
  pointer: "visitor:share",
  focus: "visitor:share",
  input: "visitor:share",
  navigation: "visitor:share",
  consent: "visitor:consent",
  revoke: "visitor:consent",
  end: "visitor:consent",
  "control-refused": "visitor:share",
  canvas: "visitor:share-canvas",
  "remove-watcher": "visitor:consent",
};

export const agentActions: { readonly [K in AgentKind]: Action } = {
  // Joining asks the visitor; content flows only after consent (view then needs cobrowse:view).
  join: "cobrowse:invite",
  leave: "cobrowse:view",
  activity: "cobrowse:invite",
  presence: "cobrowse:invite",
  "request-control": "cobrowse:control",
  control: "cobrowse:control",
  highlight: "cobrowse:view",
  "request-view": "cobrowse:invite",
};

const share = allowedBy("visitor:share");
const view = allowedBy("cobrowse:view");
const control = allowedBy("cobrowse:control");
const invite = allowedBy("cobrowse:invite");

//                                  session        policy                    consent / mode                     nodes / values
export const visitorChecks: VisitorTable = {
  hello:      [                     allowedBy("visitor:connect")],
  resume:     [live,                allowedBy("visitor:connect")],
  snapshot:   [live,                share,                    consented("view"),                  urlInSite],
  // Node checks of a batch run per operation while it is applied (checks/nodes.ts `opTargetKnown`):
  // later operations may name nodes that earlier ones added.
  mutations:  [live, hasSnapshot,   share,                    consented("view")],
  scroll:     [live, hasSnapshot,   share,                    consented("view"),                  targetKnownOrDocument],
  viewport:   [live,                share,                    consented("view")],
  pointer:    [live, hasSnapshot,   share,                    consented("view")],
  focus:      [live, hasSnapshot,   share,                    consented("view"),                  targetKnownOrDocument],
  input:      [live, hasSnapshot,   share,                    consented("view"),                  targetKnown],
  navigation: [live,                share,                                                        urlInSite],
  consent:    [live,                allowedBy("visitor:consent"), answersPendingRequest],
  revoke:     [live,                allowedBy("visitor:consent")],
  end:        [live,                allowedBy("visitor:consent")],
  "control-refused": [live,         share,                    consented("control")],
  canvas:     [live, hasSnapshot,   allowedBy("visitor:share-canvas"), consented("view"),         canvasTarget, canvasImageFits],
  "remove-watcher": [live,          allowedBy("visitor:consent"),                                 seatKnown],
};

export const agentChecks: AgentTable = {
  join:              [live,         invite, mayJoinOthers],
  leave:             [joined],
  activity:          [live, joined, invite],
  presence:          [live, joined, invite],
  "request-control": [live, joined, mayAskFor("control"),     consented("view"), admittedSeat, askAllowed("control")],
  control:           [live, joined, control,                  consented("control"), controllingSeat, inMode("control"), eventTargetKnown, controlValueFits, maskedValueReplaced],
  highlight:         [live, joined, view,                     consented("view"), admittedSeat],
  "request-view":    [live, joined, invite,                   notAdmitted, askAllowed("view")],
};
