import { z } from "zod";
import { agentMessage } from "../../protocol/agent-messages.js";
import { mode } from "../../protocol/fields.js";
import { CHANNEL_PREFIX } from "../../bus/bus.js";

// What replicas tell each other over the bus. Every envelope is parsed with these schemas on
// arrival, like any other input. Frames for agents travel as `F<conn>\n<frame>` so the already
// serialized frame is not encoded a second time.

export const roomsChannel = `${CHANNEL_PREFIX}rooms`;
export const sessionsChannel = `${CHANNEL_PREFIX}sessions`;
export const replicaChannel = (replica: string) => `${CHANNEL_PREFIX}replica:${replica}`;

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

export const remotePrincipal = z.strictObject({
  subject: z.string().min(1).max(200),
  displayName: z.string().max(200),
  roles: z.array(z.string().max(64)).max(16),
  mfa: z.boolean(),
  sourceAddress: z.string().max(64).optional(),
});

/** Addressed to one replica: to the owner of a session, or to the replica holding an agent socket. */
export const replicaEnvelope = z.discriminatedUnion("t", [
  z.strictObject({ t: z.literal("attach"), room: id, conn: id, from: id, principal: remotePrincipal }),
  z.strictObject({ t: z.literal("agent"), conn: id, from: id, msg: agentMessage }),
  // `away`: the socket was lost rather than closed on purpose (the seat waits for the agent).
  z.strictObject({ t: z.literal("detach"), conn: id, away: z.boolean().optional() }),
  z.strictObject({ t: z.literal("backlog"), conn: id, bytes: z.number().int().min(0) }),
  z.strictObject({ t: z.literal("close"), conn: id, code: z.number().int().min(1000).max(4999), reason: z.string().max(123) }),
]);
export type ReplicaEnvelope = z.infer<typeof replicaEnvelope>;

export const roomSummary = z.strictObject({
  room: id,
  /** The visit the session belongs to (a visit has one session at a time, or the id of its next one). */
  visit: id,
  site: z.string().min(1).max(64),
  owner: id,
  state: z.enum(["waiting", "active", "ended"]),
  mode,
  agents: z.number().int().min(0),
  since: z.number().int().min(0),
  /** With a shared visit store: the owner's epoch (a takeover raises it; older announcements lose). */
  epoch: z.number().int().min(1).optional(),
});
export type RoomSummary = z.infer<typeof roomSummary>;

export const roomsEnvelope = z.discriminatedUnion("t", [
  z.strictObject({ t: z.literal("room"), summary: roomSummary }),
  z.strictObject({ t: z.literal("gone"), room: id }),
  z.strictObject({ t: z.literal("sync"), from: id }),
]);
export type RoomsEnvelope = z.infer<typeof roomsEnvelope>;

/** A login session ended; `reason` is set when the sockets close with more than session_ended (SCIM deprovisioning). */
export const sessionsEnvelope = z.strictObject({ t: z.literal("ended"), session: z.string().min(1).max(200), reason: z.literal("account_deactivated").optional() });

/** Parses a JSON envelope; undefined for anything malformed (logged by the caller, never thrown). */
export function readEnvelope<T>(schema: z.ZodType<T>, text: string): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function frameEnvelope(conn: string, frame: string): string {
  return `F${conn}\n${frame}`;
}

/** The connection id and frame of a frame envelope, or undefined when the text is not one. */
export function readFrameEnvelope(text: string): { conn: string; frame: string } | undefined {
  if (!text.startsWith("F")) return undefined;
  const nl = text.indexOf("\n");
  if (nl < 2 || nl > 65) return undefined;
  return { conn: text.slice(1, nl), frame: text.slice(nl + 1) };
}
