import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartOptions } from "../../src/server/server.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInEnrolled } from "../auth/helpers/login.js";
import { startReplicaPair, type ReplicaPair } from "../helpers/replicas.js";
import type { TestServer } from "../helpers/server.js";
import { serviceUrl } from "../helpers/services.js";
import { ManualClock, openAgent, openVisitor, startSession, type WsClient } from "../relay/ws-client.js";

// "Away" across replicas: the visitor on A (A owns the session, its clock is moved by hand), the
// agent on B. When B loses the agent's socket (not closed on purpose) it tells A so over Redis, and
// A keeps the seat away; the agent coming back through B within the limit takes it again, and one
// that does not come back ends the session with agent_away. A socket B closes on purpose (1000)
// still ends the seat at once.

const pgBase = serviceUrl("AIRLOCK_TEST_PG_URL");
const redisUrl = serviceUrl("AIRLOCK_TEST_REDIS_URL");

describe.skipIf(!pgBase || !redisUrl)("an agent away across replicas", () => {
  const clock = new ManualClock();
  let a: TestServer;
  let b: TestServer;
  let agent: HttpAgent;
  let replicas: ReplicaPair | undefined;

  async function lost(socket: WsClient): Promise<void> {
    const timers = clock.pending;
    socket.ws.terminate();
    await socket.closed;
    for (let i = 0; i < 400 && clock.pending === timers; i++) await new Promise((r) => setTimeout(r, 5));
    expect(clock.pending).toBeGreaterThan(timers);
  }

  async function listedOnB(session: string): Promise<void> {
    for (let i = 0; i < 200 && !b.services.relay.cobrowseSession(session); i++) await new Promise((r) => setTimeout(r, 10));
  }

  beforeAll(async () => {
    const withClock: StartOptions = { relayClock: clock };
    replicas = await startReplicaPair({ a: withClock });
    ({ a, b } = replicas);
    ({ agent } = await signInEnrolled(b, "agent"));
  });
  afterAll(async () => {
    await replicas?.stop();
  });

  it("a socket lost on B keeps the seat on A; coming back through B takes it again without a new prompt", async () => {
    const { client: visitor, welcome } = await openVisitor(a);
    const cobrowseSession = String(welcome.session);
    await listedOnB(cobrowseSession);
    const first = await openAgent(b, agent);
    await startSession(visitor, first, cobrowseSession);
    await lost(first);
    clock.advance(119_000);
    expect(visitor.frames.some((f) => f.kind === "state" && f.state === "ended")).toBe(false);

    const again = await openAgent(b, agent);
    again.send({ kind: "join", versions: [1], room: cobrowseSession, mode: "view" });
    await again.next("welcome");
    visitor.send({ kind: "viewport", viewport: { width: 640, height: 480 } });
    expect(await again.next("viewport")).toMatchObject({ viewport: { width: 640, height: 480 } });
    expect(visitor.frames.filter((f) => f.kind === "consent-request")).toHaveLength(1);
    clock.advance(10 * 60_000);
    expect(visitor.frames.some((f) => f.kind === "state" && f.state === "ended")).toBe(false);

    await lost(again);
    clock.advance(120_000);
    expect(await visitor.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "agent_away" });
    visitor.close();
  });

  it("a socket B closes on purpose (1000) ends the seat at once (agent_left)", async () => {
    const { client: visitor, welcome } = await openVisitor(a);
    const cobrowseSession = String(welcome.session);
    await listedOnB(cobrowseSession);
    const socket = await openAgent(b, agent);
    await startSession(visitor, socket, cobrowseSession);
    socket.close();
    expect(await visitor.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "agent_left" });
    visitor.close();
  });
});
