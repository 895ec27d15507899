import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInEnrolled } from "../auth/helpers/login.js";
import { startReplicaPair, type ReplicaPair } from "../helpers/replicas.js";
import type { TestServer } from "../helpers/server.js";
import { serviceUrl } from "../helpers/services.js";
import { DEMO_ORIGIN, openAgent, openVisitor, startSession } from "../relay/ws-client.js";

// Two Airlock replicas on loopback sharing one PostgreSQL and one Redis: the visitor is on A
// (A owns the room: sanitizes, keeps the shadow index), the agent on B. B lists A's session, the
// agent joins through B, content flows A → B sanitized, control flows B → A, and Redis holds
// no key afterwards.

const pgBase = serviceUrl("AIRLOCK_TEST_PG_URL");
const redisUrl = serviceUrl("AIRLOCK_TEST_REDIS_URL");

describe.skipIf(!pgBase || !redisUrl)("two replicas over Redis and PostgreSQL", () => {
  let a: TestServer;
  let b: TestServer;
  let agent: HttpAgent;
  let replicas: ReplicaPair | undefined;

  beforeAll(async () => {
    replicas = await startReplicaPair();
    ({ a, b } = replicas);
    ({ agent } = await signInEnrolled(b, "agent"));
  });
  afterAll(async () => {
    await replicas?.stop();
  });

  it("visitor on A, agent on B: listing, join, consent, sanitized content, control and leave cross replicas", async () => {
    const { client: visitor, welcome } = await openVisitor(a);
    const cobrowseSession = String(welcome.session);
    expect(a.services.relay.localSessionCount).toBe(1);
    expect(b.services.relay.localSessionCount).toBe(0);

    let listed: Record<string, unknown>[] = [];
    for (let i = 0; i < 100 && !listed.some((s) => s.room === cobrowseSession); i++) {
      listed = (await agent.json(`${b.url}/api/v1/cobrowse/sessions`)).body.sessions as Record<string, unknown>[];
      if (!listed.some((s) => s.room === cobrowseSession)) await new Promise((r) => setTimeout(r, 20));
    }
    expect(listed.find((s) => s.room === cobrowseSession)).toMatchObject({ site: "demo", state: "waiting", agents: 0 });

    const agentSocket = await openAgent(b, agent);
    await startSession(visitor, agentSocket, cobrowseSession);
    expect(await agentSocket.next("state", (f) => f.state === "active")).toMatchObject({ agents: 1, watching: true });

    visitor.send({
      kind: "snapshot",
      seq: 1,
      url: `${DEMO_ORIGIN}/demo`,
      html: `<html data-airlock-id="1"><body data-airlock-id="2"><button data-airlock-id="3" onclick="steal()">Pay by card</button><img data-airlock-id="4" src="https://evil.test/x.png"><input data-airlock-id="5" name="q"></body></html>`,
      viewport: { width: 800, height: 600 },
    });
    const snapshot = await agentSocket.next("snapshot");
    expect(snapshot.html).toContain("Pay by card");
    expect(snapshot.html).not.toMatch(/onclick|steal|evil\.test/);
    visitor.send({ kind: "mutations", seq: 2, ops: [{ op: "attr", id: 3, name: "onmouseover", value: "steal()" }, { op: "text", id: 3, value: "Pay now" }] });
    const mutations = await agentSocket.next("mutations");
    expect(JSON.stringify(mutations)).not.toContain("steal");
    expect(mutations.ops).toContainEqual({ op: "text", id: 3, value: "Pay now" });

    // The owner checks control events against its shadow index, whatever replica they came from.
    agentSocket.send({ kind: "request-control" });
    const ask = await visitor.next("consent-request", (f) => f.mode === "control");
    visitor.send({ kind: "consent", request: ask.request, answer: "granted", mode: "control" });
    await agentSocket.next("state", (f) => f.mode === "control");
    agentSocket.send({ kind: "control", event: { type: "click", id: 999 } });
    expect(await agentSocket.next("error", (f) => f.ref === "control")).toMatchObject({ code: "unknown_node" });
    agentSocket.send({ kind: "control", event: { type: "input", id: 5, value: "hello" } });
    expect(await visitor.next("control")).toEqual({ kind: "control", event: { type: "input", id: 5, value: "hello" } });

    agentSocket.send({ kind: "leave" });
    expect(await visitor.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "agent_left" });
    for (let i = 0; i < 100 && a.services.relay.localSessionCount > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(a.services.relay.localSessionCount).toBe(0);
    expect(a.services.relay.retainedBytes()).toBe(0);
    visitor.close();
    agentSocket.close();

    // Redis holds the visit's metadata only (its record, resume token hash and session index, all expiring): no
    // page content, no key without an expiry.
    const probe = new Redis(redisUrl ?? "");
    const keys = await probe.keys("*");
    expect(keys).toContain(`airlock:visit:${String(welcome.visit)}`);
    expect(keys.every((key) => /^airlock:(visit|resume|cosession):[A-Za-z0-9_-]+$/.test(key))).toBe(true);
    for (const key of keys) {
      expect(await probe.pttl(key)).toBeGreaterThan(0);
      const value = key.startsWith("airlock:visit:") ? JSON.stringify(await probe.hgetall(key)) : String(await probe.get(key));
      // Canaries with a space or punctuation: a random base64url token can never spell them.
      expect(value).not.toMatch(/Pay by card|Pay now|hello|evil\.test|demo<|data-airlock-id/);
    }
    probe.disconnect();
  });

  it("an agent socket closing on B ends its seat on A", async () => {
    const { client: visitor, welcome } = await openVisitor(a);
    const agentSocket = await openAgent(b, agent);
    for (let i = 0; i < 100 && !b.services.relay.cobrowseSession(String(welcome.session)); i++) await new Promise((r) => setTimeout(r, 10));
    await startSession(visitor, agentSocket, String(welcome.session));
    agentSocket.close();
    expect(await visitor.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "agent_left" });
    visitor.close();
  });
});
