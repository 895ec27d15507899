import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { expect, it } from "vitest";
import { PolicyEngine } from "../../src/policy/engine.js";
import { shippedPolicyDir } from "../../src/policy/load.js";
import { ChatLedger, newClientId } from "../../src/protocol/chat-ledger.js";
import type { ChatServerFrame } from "../../src/protocol/chat-messages.js";
import { chatSuite } from "../helpers/chat-database.js";
import { describeEachDialect } from "../helpers/dialects.js";
import { visitId } from "./chat-fixture.js";
import { startChatSockets, TestClient } from "./socket-harness.js";

/** A chat participant as the widget and the console behave: ledger, outbox, resume on reconnect. */
class Participant {
  readonly ledger = new ChatLedger();
  client!: TestClient;
  conversation = "";

  constructor(private readonly url: string) {}

  async connect(): Promise<void> {
    this.client = new TestClient(this.url, (f) => this.#onFrame(f));
    await this.client.opened;
    if (this.conversation) {
      this.client.send({ kind: "chat-resume", conversation: this.conversation, afterSeq: this.ledger.contiguousSeq });
      for (const m of this.ledger.unacknowledged()) this.client.send({ kind: "chat-send", conversation: this.conversation, ...m });
    }
  }

  say(text: string): void {
    const m = { clientId: newClientId(), text };
    this.ledger.enqueue(m);
    this.client.send({ kind: "chat-send", conversation: this.conversation, ...m });
  }

  #onFrame(f: ChatServerFrame): void {
    if (f.kind === "chat-message") this.ledger.receive(f);
    if (f.kind === "chat-ack") this.ledger.acknowledge(f);
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  for (const start = Date.now(); !condition(); await sleep(10)) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
  }
}

describeEachDialect("chat delivery across a dropped connection", (fx) => {
  const suite = chatSuite(fx);
  const policy = PolicyEngine.load({ shippedDir: shippedPolicyDir, mode: "dev" });

  it("kills the visitor's socket while both sides send: both end with every message exactly once, in order", async () => {
    const sockets = await startChatSockets(suite.f.chat, policy);
    try {
      const agentId = randomUUID();
      const visitor = new Participant(`${sockets.url}/visitor?visit=${visitId()}`);
      const agent = new Participant(`${sockets.url}/agent?agent=${agentId}&roles=agent`);
      await visitor.connect();
      visitor.client.send({ kind: "chat-start" });
      const started = await visitor.client.next("chat-conversation", (c) => c.change === "started");
      visitor.conversation = started.conversation;
      await agent.connect();
      agent.conversation = started.conversation;
      agent.client.send({ kind: "chat-accept", conversation: started.conversation });
      await visitor.client.next("chat-conversation", (c) => c.change === "accepted").catch((e: unknown) => {
        throw new Error(`${String(e)}; visitor saw ${JSON.stringify(visitor.client.frames)}; agent saw ${JSON.stringify(agent.client.frames)}`);
      });

      const perSide = 30;
      let unackedAtKill = 0;
      for (let i = 0; i < perSide; i++) {
        visitor.say(`visitor ${i}`);
        agent.say(`agent ${i}`);
        if (i === 12) {
          // the network drops the visitor mid-conversation: in-flight frames and acks are lost
          for (const s of sockets.serverSockets("/visitor")) s.terminate();
          unackedAtKill = visitor.ledger.unacknowledged().length;
        }
        if (i === 18) {
          await visitor.client.closed;
          await visitor.connect();
          // worst case of a lost ack: a message the server already stored is sent again
          const first = visitor.ledger.messages().find((m) => m.from === "visitor");
          if (first) visitor.client.send({ kind: "chat-send", conversation: visitor.conversation, clientId: first.clientId, text: first.text });
        }
        await sleep(1);
      }

      expect(unackedAtKill).toBeGreaterThan(0);
      const total = perSide * 2;
      await until(() => visitor.ledger.messages().length === total && agent.ledger.messages().length === total, "both sides to hold every message");
      await until(() => visitor.ledger.unacknowledged().length === 0 && agent.ledger.unacknowledged().length === 0, "every send to be acknowledged");

      const expected = new Set([...Array.from({ length: perSide }, (_, i) => `visitor ${i}`), ...Array.from({ length: perSide }, (_, i) => `agent ${i}`)]);
      for (const side of [visitor, agent]) {
        const got = side.ledger.messages();
        expect(got.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
        expect(new Set(got.map((m) => m.text))).toEqual(expected);
        // each side's own messages keep the order in which it sent them
        const own = (prefix: string) => got.filter((m) => m.text.startsWith(prefix)).map((m) => Number(m.text.split(" ")[1]));
        expect(own("visitor")).toEqual([...own("visitor")].sort((a, b) => a - b));
        expect(own("agent")).toEqual([...own("agent")].sort((a, b) => a - b));
      }
      expect(visitor.ledger.messages().map((m) => m.text)).toEqual(agent.ledger.messages().map((m) => m.text));
      const stored = await suite.storage.db.selectFrom("chat_message").select(["seq", "client_id"]).where("conversation_id", "=", started.conversation).execute();
      expect(stored).toHaveLength(total);
      expect(new Set(stored.map((r) => r.client_id)).size).toBe(total);
    } finally {
      await sockets.close();
    }
  });
});
