import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AirlockError } from "../errors.js";
import { visitorChatMessage, type ChatServerFrame, type VisitorChatMessage } from "../protocol/chat-messages.js";
import { ChatFrameQueue } from "./chat-frame-queue.js";
import { MAX_PENDING_FRAMES } from "./frames.js";

const conversation = randomUUID();
const send = (clientId: string, text = "hello") => JSON.stringify({ kind: "chat-send", conversation, clientId, text });

function queue(handler: (m: VisitorChatMessage) => Promise<void>) {
  const sent: ChatServerFrame[] = [];
  return { sent, frames: new ChatFrameQueue(visitorChatMessage, (f) => sent.push(f), handler) };
}

describe("ChatFrameQueue", () => {
  it("hands frames to the handler one at a time in arrival order, even while the first one waits", async () => {
    let release = () => undefined as void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: string[] = [];
    let running = 0;
    const { frames } = queue(async (m) => {
      running += 1;
      expect(running).toBe(1);
      if (m.kind === "chat-send" && m.clientId === "client-1") await gate;
      if (m.kind === "chat-send") seen.push(m.clientId);
      running -= 1;
    });
    const all = ["client-1", "client-2", "client-3"].map((id) => frames.handle(send(id)));
    release();
    await Promise.all(all);
    expect(seen).toEqual(["client-1", "client-2", "client-3"]);
  });

  it("answers rate_limited instead of buffering more than the pending limit", async () => {
    let release = () => undefined as void;
    const gate = new Promise<void>((r) => (release = r));
    let handled = 0;
    const { frames, sent } = queue(async () => {
      await gate;
      handled += 1;
    });
    const all = Array.from({ length: MAX_PENDING_FRAMES + 2 }, (_, i) => frames.handle(send(`client-${i}`)));
    expect(sent).toEqual([
      { kind: "chat-error", code: "rate_limited", message: "too many frames waiting" },
      { kind: "chat-error", code: "rate_limited", message: "too many frames waiting" },
    ]);
    release();
    await Promise.all(all);
    expect(handled).toBe(MAX_PENDING_FRAMES);
  });

  it("answers the parse failure's code and never calls the handler for a frame the schema refuses", async () => {
    let called = false;
    const { frames, sent } = queue(async () => void (called = true));
    await frames.handle("{not json");
    await frames.handle(JSON.stringify({ kind: "chat-send", conversation, clientId: "client-1", text: "x", extra: 1 }));
    expect(called).toBe(false);
    expect(sent.map((f) => f.kind === "chat-error" && [f.code, f.ref])).toEqual([["bad_json", undefined], ["bad_frame", "chat-send"]]);
  });

  it("turns handler errors into chat-error frames: exposed messages kept, internal ones hidden, ref is the client id or the kind", async () => {
    const { frames, sent } = queue(async (m) => {
      if (m.kind === "chat-send") throw new AirlockError("not_found", "no such conversation");
      throw new Error(`database password in ${m.kind}`);
    });
    await expect(frames.handle(send("client-9"))).resolves.toBeUndefined();
    await expect(frames.handle(JSON.stringify({ kind: "chat-end", conversation }))).resolves.toBeUndefined();
    expect(sent).toEqual([
      { kind: "chat-error", code: "not_found", message: "no such conversation", ref: "client-9" },
      { kind: "chat-error", code: "internal", message: "internal error", ref: "chat-end" },
    ]);
  });
});
