import { AgentSeat } from "../agent-seat.js";
import type { Peer } from "../peer.js";
import type { SharedWatcher } from "./shared-visit.js";

/** Where a restored seat's frames go until its agent rejoins: nowhere (the seat is away). */
const nobody: Peer = {
  send: () => undefined,
  bufferedAmount: () => 0,
  close: () => undefined,
};

/**
 * The seat of a watcher of a session taken over from a server process that stopped: away, as
 * after a lost connection, and admitted with the control it had. Its agent takes it back by
 * joining again (no new question to the visitor); it ends after the policy's away limit otherwise.
 */
export function restoredSeat(watcher: SharedWatcher, now: number): AgentSeat {
  const seat = new AgentSeat(nobody, { subject: watcher.subject, displayName: watcher.displayName, roles: watcher.roles, mfa: true }, now);
  seat.joined = true;
  seat.admitted = true;
  seat.controlling = watcher.controlling;
  seat.disconnected = true;
  seat.restored = true;
  return seat;
}
