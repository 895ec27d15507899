import type { Bus } from "../../bus/bus.js";
import type { Peer } from "../peer.js";
import { frameEnvelope, replicaChannel } from "./envelopes.js";

/**
 * An agent connected to another replica, as the session owner sees it. Frames go over the bus to
 * that replica; the backlog is what that replica last reported for the agent's socket, so the
 * room's backpressure works across replicas too.
 */
export class RemotePeer implements Peer {
  backlog = 0;

  constructor(
    private readonly bus: Bus,
    readonly replica: string,
    readonly conn: string,
  ) {}

  send(frame: string): void {
    this.bus.publish(replicaChannel(this.replica), frameEnvelope(this.conn, frame));
  }

  bufferedAmount(): number {
    return this.backlog;
  }

  close(code: number, reason: string): void {
    this.bus.publish(replicaChannel(this.replica), JSON.stringify({ t: "close", conn: this.conn, code, reason }));
  }
}
