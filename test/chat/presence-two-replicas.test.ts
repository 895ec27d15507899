import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisBus } from "../../src/bus/redis-bus.js";
import { createLogger } from "../../src/ops/log.js";
import { ClusterPresence } from "../../src/presence/cluster-presence.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInEnrolled } from "../auth/helpers/login.js";
import { startReplicaPair, type ReplicaPair } from "../helpers/replicas.js";
import type { TestServer } from "../helpers/server.js";
import { serviceUrl } from "../helpers/services.js";
import { DEMO_ORIGIN, WsClient, openAgent, openVisitor, startSession, wsUrl, type Frame } from "../relay/ws-client.js";

// The live visitor list across replicas: two Airlock instances sharing one PostgreSQL (and a
// separate PostgreSQL key vault) and one Redis. The visitor's socket is on A; the agent's console
// socket and HTTP requests go to B, which shows the visitor's page, title, pages viewed,
// referrer, time on site, chat and co-browse state as A learns them, can invite the visitor to
// chat, and forgets the visitor when A does. Redis holds no key afterwards.

const pgBase = serviceUrl("AIRLOCK_TEST_PG_URL");
const redisUrl = serviceUrl("AIRLOCK_TEST_REDIS_URL");

type Listed = { visitor: string; url: string; title: string; referrer: string; pagesViewed: number; startedAt: number; chat: string; cobrowse: string };

describe.skipIf(!pgBase || !redisUrl)("live visitor list across two replicas sharing Redis and PostgreSQL", () => {
  let a: TestServer;
  let b: TestServer;
  let agent: HttpAgent;
  let console: WsClient;
  let replicas: ReplicaPair | undefined;

  beforeAll(async () => {
    replicas = await startReplicaPair({ keyVault: true });
    ({ a, b } = replicas);
    ({ agent } = await signInEnrolled(b, "agent"));
    console = await openAgent(b, agent);
    console.send({ kind: "watch-site", site: "demo" });
    console.send({ kind: "visitors-query", query: "list", filter: { sites: ["demo"], sort: { by: "startedAt", order: "asc" }, offset: 0, limit: 100 } });
  });
  afterAll(async () => {
    console?.close();
    await replicas?.stop();
  });

  /** The rows B's console shows now: its query's pages with their changes applied. */
  function shownOnB(): Listed[] {
    let rows: Listed[] = [];
    for (const f of console.frames) {
      if (f.kind === "visitors-page") rows = f.rows as Listed[];
      if (f.kind !== "visitors-change") continue;
      const changed = new Map((f.rows as Listed[]).map((v) => [v.visitor, v]));
      rows = rows.map((v) => changed.get(v.visitor) ?? v);
    }
    return rows;
  }

  /** The visit as B's console shows it, once it matches `test`. */
  async function listedOnB(visit: string, test: (v: Listed) => boolean): Promise<Listed> {
    let hit: Listed | undefined;
    await expect.poll(() => (hit = shownOnB().find((v) => v.visitor === visit && test(v))) !== undefined, { timeout: 5_000 }).toBe(true);
    return hit as Listed;
  }

  async function notListedOnB(visit: string): Promise<void> {
    await expect.poll(() => shownOnB().some((v) => v.visitor === visit), { timeout: 5_000 }).toBe(false);
  }

  it("an agent on B sees a visitor on A: page, title, pages viewed, referrer, time on site, chat and co-browse state, then the visitor leaving", async () => {
    const { client: visitor, welcome } = await openVisitor(a);
    const visit = String(welcome.visit);
    visitor.send({ kind: "presence", url: `${DEMO_ORIGIN}/demo`, title: "Shop · Northwind Goods", referrer: "https://search.example/?q=shoes" });
    const first = await listedOnB(visit, () => true);
    expect(first).toMatchObject({ url: `${DEMO_ORIGIN}/demo`, title: "Shop · Northwind Goods", referrer: "https://search.example/?q=shoes", pagesViewed: 1, chat: "none", cobrowse: "none" });
    expect(first.startedAt).toBeLessThanOrEqual(Date.now());

    // the next page resumes the visit on A: B counts the page
    visitor.close();
    await visitor.closed;
    const next = await WsClient.open(wsUrl(a, "/ws/visitor"), DEMO_ORIGIN);
    next.send({ kind: "resume", versions: [1], resumeToken: String(welcome.resumeToken), url: `${DEMO_ORIGIN}/demo/checkout`, viewport: { width: 1200, height: 800 } });
    await next.next("welcome");
    next.send({ kind: "presence", url: `${DEMO_ORIGIN}/demo/checkout`, title: "Checkout · Northwind Goods", referrer: "https://search.example/?q=shoes" });
    expect(await listedOnB(visit, (v) => v.pagesViewed === 2)).toMatchObject({ url: `${DEMO_ORIGIN}/demo/checkout`, title: "Checkout · Northwind Goods", startedAt: first.startedAt });

    // an invitation from the agent on B reaches the visitor on A; chat state follows
    console.send({ kind: "chat-invite", site: "demo", visitor: visit, text: "Can I help?" });
    expect(await next.next("chat-invite")).toMatchObject({ text: "Can I help?" });
    await listedOnB(visit, (v) => v.chat === "invited");
    next.send({ kind: "chat-start" });
    await listedOnB(visit, (v) => v.chat === "queued");

    // co-browse state: the agent on B starts co-browsing by the visitor's id (the chat's Co-browse button)
    const join = await agent.json(`${b.url}/api/v1/cobrowse/sessions/${visit}/join`, "POST", {});
    expect(join.status).toBe(200);
    const viewer = await openAgent(b, agent);
    await startSession(next, viewer, String(join.body.room));
    await listedOnB(visit, (v) => v.cobrowse === "active");
    viewer.send({ kind: "leave" });
    await listedOnB(visit, (v) => v.cobrowse === "none");

    // B's HTTP list (and so its statistics) counts the visitor on A
    const listed = await agent.json(`${b.url}/api/v1/visitors?site=demo`);
    expect((listed.body.visitors as Listed[]).map((v) => v.visitor)).toContain(visit);

    // the visitor leaves: B forgets them as soon as A does
    next.close();
    await notListedOnB(visit);
    viewer.close();
  });

  it("a replica that heard nothing yet learns every visit at once; a replica that stops announcing drops out", async () => {
    const { client: visitor, welcome } = await openVisitor(a);
    const visit = String(welcome.visit);
    visitor.send({ kind: "presence", url: `${DEMO_ORIGIN}/demo`, title: "Shop", referrer: "" });
    await listedOnB(visit, () => true);
    // a third replica's registry starting now asks, and A answers with its visits
    let now = Date.now();
    const bus = await RedisBus.connect(redisUrl ?? "", createLogger("silent"));
    const late = await ClusterPresence.start(bus, { now: () => now, heartbeatMs: 60_000 });
    try {
      for (let i = 0; i < 200 && !late.has("demo", visit); i++) await new Promise((r) => setTimeout(r, 10));
      expect(late.list("demo").find((v) => v.visitor === visit)).toMatchObject({ title: "Shop", pagesViewed: 1 });
      // A and B heartbeat every 5 s; with this clock three of the late replica's heartbeats pass
      now += 3 * 60_000 + 1;
      expect(late.has("demo", visit)).toBe(false);
      // garbage on the channel is ignored
      bus.publish("airlock:presence", "{not json");
      bus.publish("airlock:presence", JSON.stringify({ t: "visit", replica: "x", site: "demo", entry: { visitor: "short" } }));
      expect(late.list("demo")).toEqual([]);
    } finally {
      late.close();
      await bus.close();
      visitor.close();
    }
    await notListedOnB(visit);
    // Presence keeps nothing in Redis; the only keys are visits' expiring records, resume tokens and session index.
    const probe = new Redis(redisUrl ?? "");
    for (const key of await probe.keys("*")) {
      expect(key).toMatch(/^airlock:(visit|resume|cosession):[A-Za-z0-9_-]+$/);
      expect(await probe.pttl(key)).toBeGreaterThan(0);
    }
    probe.disconnect();
  });

  it("visitor list frames carry only the listed fields", () => {
    const frames = console.frames.filter((f): f is Frame => f.kind === "visitors-page" || f.kind === "visitors-change");
    expect(frames.length).toBeGreaterThan(0);
    for (const f of frames) for (const v of f.rows as Record<string, unknown>[]) expect(Object.keys(v).sort()).toEqual(["chat", "cobrowse", "lastSeenAt", "name", "pages", "pagesViewed", "referrer", "startedAt", "title", "url", "visitor"]);
  });
});
