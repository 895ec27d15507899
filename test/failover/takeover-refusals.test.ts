import { rmSync } from "node:fs";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import type { TestServer } from "../helpers/server.js";
import { serviceUrl } from "../helpers/services.js";
import { bankSitesYaml, policyDir } from "../policy/policy-dir.js";
import { DEMO_ORIGIN, openAgent, openVisitor, startSession, type Frame } from "../relay/ws-client.js";
import { resumeAt, takeoverPair, until } from "./takeover-pair.js";

// Taking a visit over from another server process: only the visitor's current resume token,
// presented from an origin of the visit's own site, moves it; every refusal leaves the shared
// visit store, the owner and the token as they were. An accepted resume moves the visit whole:
// same visit and session, the visitor's consent holds, the agent rejoins without a question.

const pgBase = serviceUrl("AIRLOCK_TEST_PG_URL");
const redisUrl = serviceUrl("AIRLOCK_TEST_REDIS_URL");
const BANK_ORIGIN = "http://127.0.0.1:8099";

describe.skipIf(!pgBase || !redisUrl)("taking a visit over from another server process", () => {
  const dir = policyDir({ "sites.yaml": bankSitesYaml(BANK_ORIGIN) });
  const pair = takeoverPair({ env: { AIRLOCK_POLICY_DIR: dir } });
  let a: TestServer, b: TestServer, agent: HttpAgent, redis: Redis;
  beforeAll(() => void ({ a, b, agent, redis } = pair));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const stored = (visit: unknown) => redis.hgetall(`airlock:visit:${String(visit)}`);

  it("another site's origin, a used token or a made-up one: refused, and nothing moves", async () => {
    const { client: visitor, welcome } = await openVisitor(a);
    const before = await until(async () => {
      const record = await stored(welcome.visit);
      return record.owner ? record : undefined;
    });

    // The bank site's page holds a demo visitor's token: refused at B, nothing of it is used.
    const crossSite = await resumeAt(b, welcome.resumeToken, BANK_ORIGIN);
    expect(await crossSite.next("error")).toMatchObject({ code: "session_ended" });
    await crossSite.closed;
    const madeUp = await resumeAt(b, "x".repeat(43), DEMO_ORIGIN);
    expect(await madeUp.next("error")).toMatchObject({ code: "session_ended" });
    await madeUp.closed;
    expect(await stored(welcome.visit)).toEqual(before);
    expect(b.services.relay.localVisitCount).toBe(0);
    expect(a.services.relay.cobrowseSession(String(welcome.visit))).toMatchObject({ owner: a.services.relay.replica });

    // An agent joining through B reaches the owner; it moves nothing either.
    const agentSocket = await openAgent(b, agent);
    await until(() => b.services.relay.cobrowseSession(String(welcome.session)));
    await startSession(visitor, agentSocket, String(welcome.session));
    expect((await stored(welcome.visit)).epoch).toBe(before.epoch);

    // The token still works from its own site: the visit moves to B, whole.
    const moved = await resumeAt(b, welcome.resumeToken, DEMO_ORIGIN);
    const again = await moved.next("welcome");
    expect(again).toMatchObject({ visit: welcome.visit, session: welcome.session });
    expect((await stored(welcome.visit)).owner).toBe(b.services.relay.replica);
    await until(() => (a.services.relay.localVisitCount === 0 ? true : undefined));
    expect(a.services.relay.retainedBytes()).toBe(0);
    // The old connection is closed, the agent follows the session to B without a new question.
    await visitor.closed;
    expect(await agentSocket.next("moved")).toEqual({ kind: "moved" });
    expect(await moved.next("state", (f: Frame) => f.state === "active")).toMatchObject({ watching: true });
    expect(moved.frames.filter((f) => f.kind === "consent-request")).toHaveLength(0);

    // The token the visitor held before is used up: replaying it moves nothing.
    const replay = await resumeAt(a, welcome.resumeToken, DEMO_ORIGIN);
    expect(await replay.next("error")).toMatchObject({ code: "session_ended" });
    await replay.closed;
    expect((await stored(welcome.visit)).owner).toBe(b.services.relay.replica);
    moved.close();
    agentSocket.close();
  });
});
