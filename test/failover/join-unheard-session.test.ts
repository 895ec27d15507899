import type { Redis } from "ioredis";
import { beforeAll, describe, expect, it } from "vitest";
import { openAgentSocket } from "../../src/console/viewer/agent-socket.js";
import { refusalText } from "../../src/console/viewer/refusal-text.js";
import type { ServerToAgent } from "../../src/protocol/server-messages.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import type { TestServer } from "../helpers/server.js";
import { serviceUrl } from "../helpers/services.js";
import { DEMO_ORIGIN, openAgent, openVisitor, startSession, WsClient, wsUrl } from "../relay/ws-client.js";
import { resumeFrame, takeoverPair, until } from "./takeover-pair.js";

// An agent's join reaching a server process that has not heard of the session: freshly started
// after the session's owner stopped, before the visitor's script reconnected anywhere. The
// process finds the session's visit in the shared visit store and tells the agent the session is
// moving (nothing kept); the console's own agent socket (the module the viewer runs) says so in a
// sentence and joins again with backoff, and gets in once the visit was taken over.

const pgBase = serviceUrl("AIRLOCK_TEST_PG_URL");
const redisUrl = serviceUrl("AIRLOCK_TEST_REDIS_URL");
const PAGE = `<html data-airlock-id="1"><body data-airlock-id="2"><p data-airlock-id="3">Balance</p></body></html>`;

describe.skipIf(!pgBase || !redisUrl)("joining a session a fresh server process has not heard of", () => {
  const pair = takeoverPair();
  let a: TestServer, b: TestServer, agent: HttpAgent, redis: Redis;
  beforeAll(() => void ({ a, b, agent, redis } = pair));

  /** A ticket for `server`, asked from the console's origin there (the login session is the cluster's). */
  async function ticketAt(server: TestServer): Promise<string> {
    const r = await agent.json(`${server.url}/api/v1/ws-ticket`, "POST", {}, { origin: new URL(server.url).origin });
    if (r.status !== 200) throw new Error(`ws-ticket answered ${r.status}`);
    return String(r.body.ticket);
  }

  const record = (visit: unknown) => redis.hgetall(`airlock:visit:${String(visit)}`);

  it("is told the session is moving (nothing kept), the console says so and joins again by itself once the visit was taken over", async () => {
    const { client: visitor, welcome } = await openVisitor(a);
    const session = String(welcome.session);
    const first = await openAgent(b, agent);
    await until(() => b.services.relay.cobrowseSession(session));
    await startSession(visitor, first, session);
    await until(async () => ((await record(welcome.visit)).data?.includes('"watchers":[{') ? true : undefined));
    // The agent's viewer is lost (its seat waits, away), then the owner stops.
    first.ws.terminate();
    await a.stop();
    const saved = await record(welcome.visit);
    expect(saved.owner).toBe(a.services.relay.replica);

    const c = await pair.replicas.startAnother();
    // A made-up session is still simply over.
    const stranger = await openAgent(c, agent, await ticketAt(c));
    stranger.send({ kind: "join", versions: [1, 2], room: "x".repeat(22), mode: "view" });
    expect(await stranger.next("error")).toMatchObject({ code: "session_ended", ref: "join" });
    stranger.close();

    // The console's agent socket, as the viewer opens it, on the fresh server process.
    const frames: ServerToAgent[] = [];
    const controller = new AbortController();
    await openAgentSocket({
      room: session,
      mode: "view",
      // Node's WebSocket takes the Origin header a browser would send by itself.
      connect: async () => new WebSocket(wsUrl(c, `/ws/agent?ticket=${encodeURIComponent(await ticketAt(c))}`), { headers: { origin: new URL(c.url).origin } } as unknown as string[]),
      onMessage: (msg) => frames.push(msg),
      onClose: () => undefined,
      reconnectForMs: () => 30_000,
      signal: controller.signal,
    });
    const moving = await until(() => frames.find((f) => f.kind === "error"));
    expect(moving).toMatchObject({ kind: "error", code: "session_moving", ref: "join" });
    expect(refusalText("session_moving")).toBe("Reconnecting to the visitor's page…");
    // The refusal kept nothing: no visit moved here, the record is as the owner left it.
    expect(c.services.relay.localVisitCount).toBe(0);
    expect(await record(welcome.visit)).toEqual(saved);

    // The visitor's script reconnects through the fresh server process, which takes the visit over.
    const resumed = await WsClient.open(wsUrl(c, "/ws/visitor"), DEMO_ORIGIN);
    resumed.send(resumeFrame(welcome.resumeToken));
    expect(await resumed.next("welcome")).toMatchObject({ visit: welcome.visit, session });

    // The console joined again by itself: it takes its seat back and gets the fresh page.
    await until(() => frames.find((f) => f.kind === "welcome"));
    await until(() => frames.find((f) => f.kind === "moved"));
    resumed.send({ kind: "snapshot", seq: 1, url: `${DEMO_ORIGIN}/next`, html: PAGE, viewport: { width: 1000, height: 700 } });
    const page = await until(() => frames.find((f) => f.kind === "snapshot"));
    expect(JSON.stringify(page)).toContain("Balance");
    expect(frames.filter((f) => f.kind === "error").map((f) => (f as { code: string }).code).every((code) => code === "session_moving")).toBe(true);
    expect(resumed.frames.filter((f) => f.kind === "consent-request")).toHaveLength(0);
    controller.abort();
    resumed.close();
  });
});
