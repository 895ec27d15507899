import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { SocketPeer } from "../../src/http/ws/socket-peer.js";
import { frameText } from "../../src/http/ws/frame-text.js";

// The relay's socket adapter over a real loopback WebSocket: frames sent in one turn of the
// event loop leave the server in one write, in order, and nothing is lost around a close.

interface Pair {
  readonly peer: SocketPeer;
  readonly client: WebSocket;
  readonly received: string[];
  /** How many times the server's TCP socket handed buffered data to the kernel. */
  readonly writes: () => number;
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** Counts the stream-level writes of the server side of the connection (Writable's `_write`/`_writev`). */
function countWrites(socket: Duplex): () => number {
  let writes = 0;
  const target = socket as Duplex & { _write: Duplex["_write"]; _writev?: Duplex["_writev"] };
  const write = target._write.bind(socket);
  target._write = (...args) => (writes++, write(...args));
  const writev = target._writev?.bind(socket);
  if (writev) target._writev = (...args) => (writes++, writev(...args));
  return () => writes;
}

async function openPair(): Promise<Pair> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
  await once(wss, "listening");
  const accepted = once(wss, "connection") as Promise<[WebSocket, { socket: Duplex }]>;
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate: false });
  const received: string[] = [];
  client.on("message", (data) => received.push(frameText(data)));
  const [ws, req] = await accepted;
  await once(client, "open");
  cleanup = async () => {
    client.terminate();
    for (const c of wss.clients) c.terminate();
    await new Promise((resolve) => wss.close(resolve));
  };
  return { peer: new SocketPeer(ws, { goingAway: false }, req.socket), client, received, writes: countWrites(req.socket) };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe("SocketPeer", () => {
  it("sends the frames of one event-loop turn in a single write, in order", async () => {
    const { peer, received, writes } = await openPair();
    const frames = Array.from({ length: 50 }, (_, i) => JSON.stringify({ kind: "pointer", x: i, y: i }));
    for (const f of frames) peer.send(f);
    expect(writes()).toBe(0); // held until the turn ends
    await until(() => received.length === frames.length);
    expect(received).toEqual(frames);
    expect(writes()).toBe(1);
  });

  it("starts a new write for the next turn, and reports what is still buffered for backpressure", async () => {
    const { peer, received, writes } = await openPair();
    peer.send("a");
    expect(peer.bufferedAmount()).toBeGreaterThan(0); // corked bytes count as queued
    await until(() => received.length === 1);
    peer.send("b");
    peer.send("c");
    await until(() => received.length === 3);
    expect(received).toEqual(["a", "b", "c"]);
    expect(writes()).toBe(2);
  });

  it("delivers frames sent just before a close, then the close code and reason", async () => {
    const { peer, client, received } = await openPair();
    const closed = once(client, "close") as Promise<[number, Buffer]>;
    peer.send("last words");
    peer.close(4000, "agent_inactive");
    peer.send("after close"); // ignored, not thrown
    const [code, reason] = await closed;
    expect(received).toEqual(["last words"]);
    expect(code).toBe(4000);
    expect(String(reason)).toBe("agent_inactive");
  });
});
