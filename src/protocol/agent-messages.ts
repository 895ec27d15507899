import { z } from "zod";
import { coordinate, mode, nodeId, targetId, versions } from "./fields.js";
import { clearGuidesMessage, drawMessage, laserMessage, outlineMessage } from "./guidance.js";
import { LIMITS } from "./limits.js";

// Agent console → server. Every kind asks the policy engine (role, granted mode, consent).

export const joinMessage = z.object({ kind: z.literal("join"), versions, room: z.string().min(8).max(64), mode }).strict();
export const leaveMessage = z.object({ kind: z.literal("leave") }).strict();
/** Asks the visitor for a mode (control, or back to view); the visitor answers with `consent`. */
export const requestControlMessage = z.object({ kind: z.literal("request-control") }).strict();
/** Asks the visitor again to let this agent watch, after a "no" and the policy's pause. */
export const requestViewMessage = z.object({ kind: z.literal("request-view") }).strict();
/**
 * Obsolete: sessions no longer end for want of clicks (watching is presence, see `presence`).
 * Still accepted, and changes nothing, so older consoles keep working.
 */
export const activityMessage = z.object({ kind: z.literal("activity") }).strict();
/**
 * Whether the agent's viewer is visible (Page Visibility API). A hidden viewer is "away": after
 * the policy's `agentInactivity` the agent's seat ends; becoming visible again cancels that.
 */
export const presenceMessage = z.object({ kind: z.literal("presence"), visible: z.boolean() }).strict();

const key = z.string().min(1).max(32);
export const controlEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("click"), id: nodeId }).strict(),
  z.object({ type: z.literal("input"), id: nodeId, value: z.string().max(LIMITS.maxInputValueLength) }).strict(),
  z.object({ type: z.literal("key"), id: nodeId, key }).strict(),
  z.object({ type: z.literal("scroll"), id: targetId, x: coordinate, y: coordinate }).strict(),
]);
export type ControlEvent = z.infer<typeof controlEvent>;
export const controlMessage = z.object({ kind: z.literal("control"), event: controlEvent }).strict();
/** Points at a place on the visitor's page (view mode is enough). */
export const highlightMessage = z.object({ kind: z.literal("highlight"), x: coordinate, y: coordinate }).strict();

export const agentMessage = z.discriminatedUnion("kind", [
  joinMessage,
  leaveMessage,
  requestControlMessage,
  activityMessage,
  presenceMessage,
  controlMessage,
  highlightMessage,
  requestViewMessage,
  laserMessage,
  outlineMessage,
  drawMessage,
  clearGuidesMessage,
]);
export type AgentMessage = z.infer<typeof agentMessage>;
export type AgentKind = AgentMessage["kind"];
export const AGENT_KINDS = agentMessage.options.map((o) => o.shape.kind.value) as readonly AgentKind[];
