import { createHash } from "node:crypto";
import { z } from "zod";
import { mode } from "../../protocol/fields.js";

// What of a visit outlives the server process holding it: metadata only, never page content.
// The shared visit store keeps it (Redis, no persistence) so that any server process can take
// the visit over when the visitor's script reconnects there.

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

/** An agent the visitor let watch: named again when the agent rejoins after a takeover. */
export const sharedWatcher = z.strictObject({
  subject: z.string().min(1).max(200),
  displayName: z.string().max(200),
  roles: z.array(z.string().max(64)).max(16),
  controlling: z.boolean(),
});
export type SharedWatcher = z.infer<typeof sharedWatcher>;

/** A question the visitor had not answered yet: withdrawn by the server process that takes the session over. */
export const sharedAsk = z.strictObject({
  request: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/),
  mode,
  /** The IdP subject of the agent the question named. */
  subject: z.string().min(1).max(200),
});
export type SharedAsk = z.infer<typeof sharedAsk>;

/** The running co-browse session's consent facts (no page, no shadow index). */
export const sharedSession = z.strictObject({
  state: z.enum(["waiting", "active"]),
  mode,
  granted: z.strictObject({ view: z.boolean(), control: z.boolean() }),
  watchers: z.array(sharedWatcher).max(32),
  /** Wall-clock ms at which policy maxSession ends the session, once the visitor shares. */
  limitAt: z.number().int().min(0).optional(),
  /** Questions asked and not answered yet, the one on the visitor's screen first. */
  asks: z.array(sharedAsk).max(32).optional(),
});
export type SharedSession = z.infer<typeof sharedSession>;

/** The visit's changing facts, stored as one JSON field beside the fenced owner fields. */
export const sharedVisitData = z.strictObject({
  /** The current co-browse session's id, or the one the next session will open. */
  room: id,
  roomSince: z.number().int().min(0),
  session: sharedSession.optional(),
  /** Wall-clock ms until which the visitor's "no" holds, per mode (policy consentPause). */
  paused: z.strictObject({ view: z.number().int().min(0).optional(), control: z.number().int().min(0).optional() }).optional(),
});
export type SharedVisitData = z.infer<typeof sharedVisitData>;

/** A visit as the store holds it. `epoch` fences its owner: a write with an older epoch is refused. */
export interface SharedVisit {
  readonly visit: string;
  readonly site: string;
  readonly owner: string;
  readonly epoch: number;
  readonly data: SharedVisitData;
}

/** Resume tokens are stored as hashes only. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** Parses the stored data field; undefined when it is not what this version writes. */
export function readVisitData(text: string | null | undefined): SharedVisitData | undefined {
  if (typeof text !== "string") return undefined;
  try {
    const parsed = sharedVisitData.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The shared visit store: resume tokens, the owner of each visit (one at a time, fenced by an
 * epoch) and its consent facts. Every write names the writer's epoch; a server process that lost
 * the visit to another learns it from a refused write.
 */
export interface VisitStore {
  /** A visit not in the store yet, owned by `owner` at `epoch`, with its resume token's hash. */
  create(visit: SharedVisit, tokenHash: string): Promise<boolean>;
  /** The visit and site a resume token names (a read: nothing is used up). */
  lookup(token: string): Promise<{ visit: string; site: string } | undefined>;
  /**
   * Takes the visit over for `owner` when `token` is its current resume token: the epoch goes up,
   * the token is replaced by `nextToken`. Undefined when the token is not the visit's current one.
   */
  claim(visit: string, token: string, nextToken: string, owner: string): Promise<(SharedVisit & { readonly previousOwner: string }) | undefined>;
  /** Saves the visit's data (and its current token's hash) if `owner` still holds `epoch`; false otherwise. */
  save(visit: SharedVisit, tokenHash: string): Promise<boolean>;
  /** Reads a visit (who owns it now). */
  read(visit: string): Promise<SharedVisit | undefined>;
  /** The visit whose current (or next) co-browse session is `session`, and its owner: a read. */
  findSession(session: string): Promise<{ readonly visit: string; readonly owner: string } | undefined>;
  /** Removes the visit and its token if `owner` still holds `epoch`. */
  remove(visit: string, owner: string, epoch: number): Promise<boolean>;
  close(): Promise<void>;
}
