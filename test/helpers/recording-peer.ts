import type { Peer } from "../../src/relay/peer.js";

/** A session peer that keeps every frame it is sent (parsed) and the reason it was closed with. */
export class RecordingPeer implements Peer {
  readonly frames: Record<string, unknown>[] = [];
  closed: string | undefined;
  send(frame: string): void {
    this.frames.push(JSON.parse(frame) as Record<string, unknown>);
  }
  bufferedAmount(): number {
    return 0;
  }
  close(_code: number, reason: string): void {
    this.closed = reason;
  }
  all(kind: string): Record<string, unknown>[] {
    return this.frames.filter((f) => f.kind === kind);
  }
  last(kind: string): Record<string, unknown> | undefined {
    return this.all(kind).at(-1);
  }
}
