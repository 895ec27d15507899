import type { Kysely } from "kysely";
import type { Database } from "../../storage/schema.js";
import type { RoutingGate } from "./gate.js";
import { queuedChats } from "./routing-store.js";

/** One team's queue as a supervisor sees it: how many wait, the longest wait, whether chat is open. */
export interface TeamQueue {
  readonly id: string;
  readonly name: string;
  readonly waiting: number;
  readonly longestWaitMs: number;
  readonly open: boolean;
}

/** The queues of a site's teams (none for a site without routing); a chat without a team waits in the default team's. */
export async function teamQueues(db: Kysely<Database>, siteId: string, routing: RoutingGate, now: number): Promise<TeamQueue[]> {
  const teams = routing.teams(siteId);
  if (teams.length === 0) return [];
  const fallback = routing.destination(siteId, undefined, undefined)?.team;
  const queue = await queuedChats(db, siteId, 1_000);
  return teams.map((t) => {
    const mine = queue.filter((c) => (c.team ?? fallback) === t.id);
    const oldest = mine[0]?.createdAt;
    return { id: t.id, name: t.name, waiting: mine.length, longestWaitMs: oldest === undefined ? 0 : Math.max(0, now - oldest), open: routing.openState(siteId, t.id).open };
  });
}
