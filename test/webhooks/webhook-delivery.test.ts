import { afterAll, beforeAll, expect, it } from "vitest";
import type { DomainEvent } from "../../src/events/domain-events.js";
import type { HostLookup } from "../../src/http/egress/pinned-address.js";
import { webhooksSchema, type WebhooksPolicy } from "../../src/policy/schema/webhooks.js";
import { openStorage } from "../../src/storage/db.js";
import { WebhookDispatcher } from "../../src/webhooks/dispatcher.js";
import { attemptsOf, listDeliveries, pruneDeliveries, requeueDead } from "../../src/webhooks/outbox.js";
import { generateWebhookSecret, verifyWebhook } from "../../src/webhooks/signature.js";
import { rateConversation } from "../../src/chat/ratings.js";
import { chatSuite, conversationWith } from "../helpers/chat-database.js";
import { describeEachDialect } from "../helpers/dialects.js";
import { captureLog } from "../helpers/log-sink.js";
import { startReceiver, type Receiver } from "./receiver.js";

// The outbox and its workers over real storage (SQLite and PostgreSQL), delivering to a real
// HTTP receiver on loopback (allowed by the test policy's privateAddresses), every request
// checked with the verification function docs/webhooks.md gives receivers. Time is a manual
// clock: backoff moves it, nothing sleeps.

const secret = generateWebhookSecret();
const secrets = new Map([["crm", secret]]);
const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);

function policyWith(subscriptions: unknown[], overrides: { allowedCidrs?: string[]; allowedHosts?: string[]; maxAttempts?: number } = {}): WebhooksPolicy {
  return webhooksSchema.parse({
    version: 1,
    subscriptions,
    delivery: { maxAttempts: overrides.maxAttempts ?? 3, initialBackoffSeconds: 10, maxBackoffSeconds: 60, timeoutSeconds: 5, asvs: ["V15.3.2"] },
    messageText: { allowedHosts: overrides.allowedHosts ?? [], asvs: ["V14.2.3"] },
    privateAddresses: { allowedCidrs: overrides.allowedCidrs ?? ["127.0.0.0/8"], asvs: ["V1.3.6"] },
  });
}

const ALL_EVENTS = ["conversation.started", "conversation.assigned", "conversation.transferred", "conversation.ended", "conversation.rated", "cobrowse.started", "cobrowse.ended"];

const sample = (i: number): DomainEvent => ({ kind: "cobrowse", change: "started", session: `room-${i}`, siteId: "demo", reason: null, at: T0 });

/** Verifies a received request the way a receiver would, at the receiver's clock `nowMs`. */
function verified(r: { headers: Record<string, string | string[] | undefined>; body: string }, nowMs: number): { type: string; data: Record<string, unknown> } {
  return verifyWebhook({ secret, headers: r.headers, body: r.body, nowSeconds: Math.floor(nowMs / 1000) }) as { type: string; data: Record<string, unknown> };
}

describeEachDialect("webhook deliveries", (fx) => {
  const s = chatSuite(fx);
  let receiver: Receiver;
  let now = T0;
  const sink = captureLog();
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  const dispatcher = (policy: WebhooksPolicy, extra: { lookup?: HostLookup; workerId?: string; storage?: typeof s.storage } = {}) =>
    new WebhookDispatcher({ storage: extra.storage ?? s.storage, policy: () => policy, secrets, log: sink.log, keys: s.f.keys, now: () => now, random: () => 0.5, ...(extra.lookup ? { lookup: extra.lookup } : {}), ...(extra.workerId ? { workerId: extra.workerId } : {}) });

  const fresh = async () => {
    await s.storage.db.deleteFrom("webhook_attempt").execute();
    await s.storage.db.deleteFrom("webhook_delivery").execute();
    receiver.received.length = 0;
    receiver.answer([], 200);
    now = T0;
  };

  it("delivers a conversation's events, signed so the documented verification accepts them, metadata only", async () => {
    await fresh();
    const d = dispatcher(policyWith([{ id: "crm", url: receiver.url, events: ALL_EVENTS, secret: "crm" }]));
    const queued: Promise<number>[] = [];
    const stop = s.f.chat.events.on((e) => queued.push(d.enqueue(e)));
    try {
      const { c, visitor, agent } = await conversationWith(s.f.chat, ["My card is blocked", "Let me help"]);
      await s.f.chat.end(visitor, c.id);
      await rateConversation(s.f.chat, visitor, c.id, { score: 4, comment: "quick help" }, now);
      await Promise.all(queued);
      expect(await d.runOnce()).toBe(4);
      const payloads = receiver.received.map((r) => verified(r, now));
      expect(payloads.map((p) => p.type).sort()).toEqual(["conversation.assigned", "conversation.ended", "conversation.rated", "conversation.started"]);
      const ended = payloads.find((p) => p.type === "conversation.ended");
      expect(ended?.data).toMatchObject({ conversationId: c.id, siteId: "demo", agentId: agent, team: null });
      expect(typeof ended?.data.endedAt).toBe("string");
      expect(payloads.find((p) => p.type === "conversation.rated")?.data).toEqual({ conversationId: c.id, siteId: "demo", agentId: agent, score: 4 });
      for (const r of receiver.received) {
        expect(r.headers["content-type"]).toBe("application/json");
        expect(r.body).not.toContain("My card is blocked");
        expect(r.body).not.toContain("quick help");
      }
      const rows = await listDeliveries(s.storage.db, { limit: 10 });
      expect(rows.map((r) => r.state)).toEqual(["delivered", "delivered", "delivered", "delivered"]);
      expect(rows.every((r) => r.lastStatusCode === 200 && r.attempts === 1)).toBe(true);
      // The webhook-id is the delivery's id: the receiver's idempotency key.
      expect(new Set(receiver.received.map((r) => r.headers["webhook-id"]))).toEqual(new Set(rows.map((r) => r.id)));
    } finally {
      stop();
    }
  });

  it("retries after a 500 with backoff and jitter, then delivers; the log keeps codes and durations, never a body", async () => {
    await fresh();
    receiver.answer([500], 200);
    const d = dispatcher(policyWith([{ id: "crm", url: receiver.url, events: ALL_EVENTS, secret: "crm" }]));
    await d.enqueue(sample(1));
    expect(await d.runOnce()).toBe(1);
    const [pending] = await listDeliveries(s.storage.db, { limit: 1 });
    expect(pending).toMatchObject({ state: "pending", attempts: 1, lastOutcome: "http_500", lastStatusCode: 500 });
    // initial 10 s, equal jitter at random()=0.5: 7.5 s later.
    expect(pending?.nextAttemptAt).toBe(now + 7_500);
    expect(await d.runOnce()).toBe(0);
    now += 7_500;
    expect(await d.runOnce()).toBe(1);
    const [done] = await listDeliveries(s.storage.db, { limit: 1 });
    expect(done).toMatchObject({ state: "delivered", attempts: 2, lastStatusCode: 200 });
    expect((await attemptsOf(s.storage.db, done?.id ?? "")).map((a) => [a.attempt, a.statusCode, a.outcome])).toEqual([[1, 500, "http_500"], [2, 200, "delivered"]]);
    // The same webhook-id both times, each attempt freshly timestamped and signed.
    expect(receiver.received.map((r) => r.headers["webhook-id"])).toEqual([done?.id, done?.id]);
    expect(receiver.received.map((r) => verified(r, now).type)).toEqual(["cobrowse.started", "cobrowse.started"]);
    expect(sink.text()).not.toContain("receiver-secret-response");
    expect(sink.text()).not.toContain("room-1");
    expect(sink.text()).not.toContain("whsec_");
  });

  it("dead-letters after maxAttempts; a retry from the dead-letter list delivers with a fresh budget", async () => {
    await fresh();
    receiver.answer([], 503);
    const d = dispatcher(policyWith([{ id: "crm", url: receiver.url, events: ALL_EVENTS, secret: "crm" }], { maxAttempts: 3 }));
    await d.enqueue(sample(2));
    for (let i = 0; i < 3; i++) {
      expect(await d.runOnce()).toBe(1);
      now += 60_000;
    }
    const [dead] = await listDeliveries(s.storage.db, { state: "dead", limit: 5 });
    expect(dead).toMatchObject({ attempts: 3, lastOutcome: "http_503" });
    expect(await d.runOnce()).toBe(0);
    receiver.answer([], 200);
    expect(await requeueDead(s.storage.db, dead?.id ?? "", now)).toBe(true);
    expect(await requeueDead(s.storage.db, dead?.id ?? "", now)).toBe(false);
    expect(await d.runOnce()).toBe(1);
    const [after] = await listDeliveries(s.storage.db, { limit: 1 });
    expect(after).toMatchObject({ state: "delivered", attempts: 4 });
    expect(receiver.received).toHaveLength(4);
  });

  it("refuses private, loopback and metadata addresses unless policy allows the range, and never follows a redirect", async () => {
    await fresh();
    const toMetadata: HostLookup = async () => [{ address: "169.254.169.254", family: 4 }];
    const mixed: HostLookup = async () => [{ address: "93.184.216.34", family: 4 }, { address: "10.1.2.3", family: 4 }];
    const subs = [
      { id: "loopback", url: receiver.url, events: ["cobrowse.started"], secret: "crm" },
      { id: "metadata", url: "http://crm.bank.example/hooks", events: ["cobrowse.started"], secret: "crm" },
    ];
    await dispatcher(policyWith(subs, { allowedCidrs: [] }), { lookup: toMetadata }).enqueue(sample(3));
    await dispatcher(policyWith(subs, { allowedCidrs: [] }), { lookup: toMetadata }).runOnce();
    const rows = await listDeliveries(s.storage.db, { limit: 5 });
    expect(rows.map((r) => [r.subscriptionId, r.state, r.lastOutcome]).sort()).toEqual([["loopback", "dead", "address_refused"], ["metadata", "dead", "address_refused"]]);
    // A name that also resolves to a private address is refused whichever address would be used.
    await fresh();
    const one = policyWith([subs[1]], { allowedCidrs: [] });
    await dispatcher(one, { lookup: mixed }).enqueue(sample(4));
    await dispatcher(one, { lookup: mixed }).runOnce();
    expect((await listDeliveries(s.storage.db, { limit: 1 }))[0]?.lastOutcome).toBe("address_refused");
    expect(receiver.received).toHaveLength(0);
    // Allowed range: delivered; a 302 towards the metadata address is an answer, not followed.
    await fresh();
    receiver.answer([302], 200);
    const allowed = dispatcher(policyWith([subs[0]], { allowedCidrs: ["127.0.0.0/8"] }));
    await allowed.enqueue(sample(5));
    await allowed.runOnce();
    expect((await listDeliveries(s.storage.db, { limit: 1 }))[0]).toMatchObject({ state: "pending", lastOutcome: "http_302" });
    expect(receiver.received).toHaveLength(1);
  });

  it("adds message text only where the subscription asks for it and its host is allowlisted; each read audited", async () => {
    await fresh();
    const localhost: HostLookup = async () => [{ address: "127.0.0.1", family: 4 }];
    const byHost = `http://localhost:${receiver.port}`;
    const d = dispatcher(
      policyWith(
        [
          { id: "asks-not-listed", url: `${receiver.url}?s=a`, events: ["conversation.ended"], secret: "crm", includeMessageText: true },
          { id: "listed-not-asking", url: `${byHost}/hooks?s=b`, events: ["conversation.ended"], secret: "crm" },
          { id: "asks-and-listed", url: `${byHost}/hooks?s=c`, events: ["conversation.ended"], secret: "crm", includeMessageText: true },
        ],
        { allowedHosts: ["localhost"] },
      ),
      { lookup: localhost },
    );
    const queued: Promise<number>[] = [];
    const stop = s.f.chat.events.on((e) => queued.push(d.enqueue(e)));
    let conversation: string;
    try {
      const { c, visitor } = await conversationWith(s.f.chat, ["Where is my parcel?", "It ships today"]);
      conversation = c.id;
      await s.f.chat.end(visitor, c.id);
      await Promise.all(queued);
    } finally {
      stop();
    }
    expect(await d.runOnce()).toBe(3);
    const bodies = new Map(receiver.received.map((r) => [String(r.headers["webhook-id"]), verified(r, now)]));
    const rows = await listDeliveries(s.storage.db, { limit: 5 });
    const of = (sub: string) => bodies.get(rows.find((r) => r.subscriptionId === sub)?.id ?? "")?.data;
    expect(of("asks-not-listed")).not.toHaveProperty("messages");
    expect(of("listed-not-asking")).not.toHaveProperty("messages");
    expect(of("asks-and-listed")?.messages).toEqual([
      expect.objectContaining({ seq: 1, from: "visitor", text: "Where is my parcel?" }),
      expect.objectContaining({ seq: 2, from: "agent", text: "It ships today" }),
    ]);
    // The outbox holds metadata only; the text was read from the encrypted transcript when sent.
    const stored = await s.storage.db.selectFrom("webhook_delivery").select("payload").execute();
    expect(stored.map((r) => r.payload).join()).not.toContain("parcel");
    const audits = await s.storage.db.selectFrom("audit_log").select(["actor", "target"]).where("action", "=", "webhook.message-text").execute();
    expect(audits).toEqual([{ actor: "webhook:asks-and-listed", target: `conversation:${conversation}` }]);
  });

  it("delivers each event once with two workers on two connections racing for the same rows", async () => {
    await fresh();
    const policy = policyWith([{ id: "crm", url: receiver.url, events: ALL_EVENTS, secret: "crm" }]);
    const other = openStorage(s.url);
    try {
      const a = dispatcher(policy, { workerId: "worker-a" });
      const b = dispatcher(policy, { workerId: "worker-b", storage: other });
      for (let i = 0; i < 24; i++) await a.enqueue(sample(100 + i));
      let rounds = 0;
      while ((await listDeliveries(s.storage.db, { state: "pending", limit: 1 })).length > 0 && rounds++ < 10) await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
      const ids = receiver.received.map((r) => String(r.headers["webhook-id"]));
      expect(ids).toHaveLength(24);
      expect(new Set(ids).size).toBe(24);
      const attempts = await s.storage.db.selectFrom("webhook_attempt").select("delivery_id").execute();
      expect(attempts).toHaveLength(24);
    } finally {
      await other.close();
    }
  });

  it("retention removes finished deliveries and attempts past webhookDeliveries days, keeps pending ones", async () => {
    await fresh();
    receiver.answer([500], 200);
    const d = dispatcher(policyWith([{ id: "crm", url: receiver.url, events: ALL_EVENTS, secret: "crm" }]));
    await d.enqueue(sample(7));
    await d.enqueue(sample(8));
    await d.runOnce();
    const cutoff = now + 1;
    expect(await listDeliveries(s.storage.db, { state: "pending", limit: 5 })).toHaveLength(1);
    // Two attempts (a 500 and a 200) and the delivered row go; the pending row stays without its old attempt.
    expect(await pruneDeliveries(s.storage.db, cutoff)).toBe(3);
    const left = await listDeliveries(s.storage.db, { limit: 5 });
    expect(left.map((r) => r.state)).toEqual(["pending"]);
    expect(await s.storage.db.selectFrom("webhook_attempt").select("delivery_id").execute()).toEqual([]);
  });
});
