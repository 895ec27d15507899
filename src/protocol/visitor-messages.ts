import { z } from "zod";
import { coordinate, html, httpUrl, mode, nodeId, seq, targetId, token, versions, viewport } from "./fields.js";
import { LIMITS } from "./limits.js";
import { canvasMessage } from "./canvas-message.js";
import { clearGuidesMessage } from "./guidance.js";

// Visitor → server. The visitor script sends these; the relay trusts none of them.

export const helloMessage = z
  .object({ kind: z.literal("hello"), versions, siteKey: z.string().min(8).max(128), url: httpUrl, viewport })
  .strict();
/** Continues a session after a page navigation within the site. */
export const resumeMessage = z.object({ kind: z.literal("resume"), versions, resumeToken: token, url: httpUrl, viewport }).strict();

/** `html` is the page's document element serialized with a node id on every element. */
export const snapshotMessage = z
  .object({
    kind: z.literal("snapshot"),
    seq,
    url: httpUrl,
    html,
    viewport,
    scroll: z.object({ x: coordinate, y: coordinate }).strict().optional(),
  })
  .strict();

export const addOp = z.object({ op: z.literal("add"), parent: nodeId, before: nodeId.nullable(), html }).strict();
export const removeOp = z.object({ op: z.literal("remove"), id: nodeId }).strict();
export const attrOp = z
  .object({ op: z.literal("attr"), id: nodeId, name: z.string().min(1).max(256), value: z.string().max(LIMITS.maxAttributeLength).nullable() })
  .strict();
/** Replaces the text content of an element (text nodes have no ids; their element does). */
export const textOp = z.object({ op: z.literal("text"), id: nodeId, value: z.string().max(LIMITS.maxTextLength) }).strict();
export const mutationOp = z.discriminatedUnion("op", [addOp, removeOp, attrOp, textOp]);
export type MutationOp = z.infer<typeof mutationOp>;

export const mutationsMessage = z
  .object({ kind: z.literal("mutations"), seq, ops: z.array(mutationOp).min(1).max(LIMITS.maxOpsPerBatch) })
  .strict();

/** Scroll of the document (id 0) or of a scrollable element. */
export const scrollMessage = z.object({ kind: z.literal("scroll"), id: targetId, x: coordinate, y: coordinate }).strict();
export const viewportMessage = z.object({ kind: z.literal("viewport"), viewport }).strict();
export const pointerMessage = z.object({ kind: z.literal("pointer"), x: coordinate, y: coordinate }).strict();
/** `visible`: the browser shows a focus indicator there (`:focus-visible`, keyboard focus), so the page copy can too. */
export const focusMessage = z.object({ kind: z.literal("focus"), id: targetId, visible: z.boolean().optional() }).strict();
/** The innermost element under the visitor's pointer (0 = none): the page copy shows its hover styles. */
export const hoverMessage = z.object({ kind: z.literal("hover"), id: targetId }).strict();
/** `masked` values carry only a placeholder of the same length; unmasked only where policy allows. */
export const inputMessage = z
  .object({ kind: z.literal("input"), id: nodeId, value: z.string().max(LIMITS.maxInputValueLength), masked: z.boolean() })
  .strict();
/** The page is about to unload or has changed URL within the site (a snapshot follows). */
export const navigationMessage = z.object({ kind: z.literal("navigation"), url: httpUrl }).strict();
export const consentMessage = z
  .object({ kind: z.literal("consent"), request: z.string().min(1).max(64), answer: z.enum(["granted", "denied"]), mode })
  .strict();
/** The visitor takes control back (session continues in view mode). */
export const revokeMessage = z.object({ kind: z.literal("revoke") }).strict();
/** Why the visitor's page did not act on a control event (its own checks, after the relay's). */
export const CONTROL_REFUSALS = ["unknown_node", "node_masked", "secret_field", "value_too_long", "not_editable", "masked_value"] as const;
export type ControlRefusal = (typeof CONTROL_REFUSALS)[number];
export const CONTROL_EVENT_TYPES = ["click", "input", "key", "scroll"] as const;
/**
 * The visitor's page refused an agent's control event; the agent learns why it did nothing (and
 * its replica goes back to the page's real state). `type` names the refused event's type.
 */
export const controlRefusedMessage = z
  .object({ kind: z.literal("control-refused"), id: targetId, reason: z.enum(CONTROL_REFUSALS), type: z.enum(CONTROL_EVENT_TYPES).optional() })
  .strict();
/** The visitor ends the co-browse session. */
export const endMessage = z.object({ kind: z.literal("end") }).strict();
/** The visitor sends one watcher away (the `id` of a `state` watcher); the others go on watching. */
export const removeWatcherMessage = z.object({ kind: z.literal("remove-watcher"), watcher: z.string().min(8).max(64) }).strict();

export const visitorMessage = z.discriminatedUnion("kind", [
  helloMessage,
  resumeMessage,
  snapshotMessage,
  mutationsMessage,
  scrollMessage,
  viewportMessage,
  pointerMessage,
  focusMessage,
  hoverMessage,
  inputMessage,
  navigationMessage,
  consentMessage,
  revokeMessage,
  endMessage,
  controlRefusedMessage,
  canvasMessage,
  removeWatcherMessage,
  clearGuidesMessage,
]);
export type VisitorMessage = z.infer<typeof visitorMessage>;
export type VisitorKind = VisitorMessage["kind"];
export const VISITOR_KINDS = visitorMessage.options.map((o) => o.shape.kind.value) as readonly VisitorKind[];
