import { recordAudit } from "../audit/trail.js";
import type { Logger } from "../ops/log.js";
import type { Storage } from "../storage/db.js";
import type { RoomAudit } from "./room.js";

/**
 * Writes the rooms' metadata events (start, join, mode, end) to the audit trail: ids, mode and
 * reason only, never page content. Rooms run synchronously, so entries are appended in order on
 * a queue; `drain()` waits for the queue before storage closes.
 */
export function relayAudit(storage: Storage, log: Logger): { audit: RoomAudit; drain(): Promise<void> } {
  let queue: Promise<unknown> = Promise.resolve();
  const audit: RoomAudit = (event, meta) => {
    const room = `room:${String(meta.room)}@${String(meta.site)}`;
    const entry =
      event === "cobrowse.join"
        ? { actor: `agent:${String(meta.agent)}`, action: event, target: room, decision: "success" as const }
        : event === "cobrowse.mode"
          ? { actor: `visitor:${String(meta.site)}`, action: `${event}.${String(meta.mode)}`, target: room, decision: "info" as const }
          : event === "cobrowse.end"
            ? { actor: "system", action: `${event}.${String(meta.reason)}`, target: room, decision: "info" as const }
            : { actor: `visitor:${String(meta.site)}`, action: event, target: room, decision: "info" as const };
    queue = queue
      .then(() => recordAudit(storage.db, entry))
      .catch((err: unknown) => log.error({ event, err: err instanceof Error ? err.name : typeof err }, "co-browse audit entry failed"));
  };
  return { audit, drain: () => queue.then(() => undefined) };
}
