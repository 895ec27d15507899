import type { Redis } from "ioredis";
import { beforeAll, describe, expect, it } from "vitest";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import type { TestServer } from "../helpers/server.js";
import { serviceUrl } from "../helpers/services.js";
import { openAgent, openVisitor, startSession, type Frame } from "../relay/ws-client.js";
import { resumeAt, takeoverPair, until } from "./takeover-pair.js";

// A takeover carries the visitor's consent state whole: a "no" keeps holding on the server
// process that continues the visit (nobody sees the page, nobody asks again before the policy's
// pause), and a question the visitor had not answered is withdrawn on both sides — the visitor's
// prompt closes, the agent is told — so an answer to it lets nobody in. Each takeover of a
// co-browse session is one audit entry (metadata only).

const pgBase = serviceUrl("AIRLOCK_TEST_PG_URL");
const redisUrl = serviceUrl("AIRLOCK_TEST_REDIS_URL");

describe.skipIf(!pgBase || !redisUrl)("a takeover carries the visitor's consent state", () => {
  const pair = takeoverPair();
  let a: TestServer, b: TestServer, agent: HttpAgent, redis: Redis;
  beforeAll(() => void ({ a, b, agent, redis } = pair));

  /** The visit's stored data once `ok` holds for it (the owner's writes are asynchronous). */
  async function storedWhen(visit: unknown, ok: (data: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    return until(async () => {
      const text = (await redis.hget(`airlock:visit:${String(visit)}`, "data")) ?? "null";
      const data = JSON.parse(text) as Record<string, unknown> | null;
      return data && ok(data) ? data : undefined;
    });
  }

  const audited = (prefix: string) =>
    a.services.storage.db.selectFrom("audit_log").select(["actor", "action", "target"]).where("action", "like", `${prefix}%`).orderBy("seq").execute();

  it("a question the visitor had not answered is withdrawn on both sides; a late yes to it grants nothing; the takeover is audited once", async () => {
    const { client: visitor, welcome } = await openVisitor(a);
    const session = String(welcome.session);
    const agentSocket = await openAgent(b, agent);
    await until(() => b.services.relay.cobrowseSession(session));
    await startSession(visitor, agentSocket, session);

    agentSocket.send({ kind: "request-control" });
    const question = await visitor.next("consent-request", (f) => f.mode === "control");
    await storedWhen(welcome.visit, (d) => JSON.stringify(d).includes(String(question.request)));

    // The visitor's next page reaches B: the visit moves, the question does not.
    const moved = await resumeAt(b, welcome.resumeToken);
    expect(await moved.next("welcome")).toMatchObject({ visit: welcome.visit, session });
    expect(await moved.next("consent-cancel")).toEqual({ kind: "consent-cancel", request: question.request });
    expect(await agentSocket.next("moved")).toEqual({ kind: "moved", withdrawn: ["control"] });
    await visitor.closed;

    // A yes to the withdrawn question (the prompt was still on screen) is refused; control stays with the visitor.
    moved.send({ kind: "consent", request: question.request, answer: "granted", mode: "control" });
    expect(await moved.next("error")).toMatchObject({ code: "wrong_state" });
    agentSocket.send({ kind: "control", event: { type: "click", id: 1 } });
    expect(await agentSocket.next("error", (f) => f.ref === "control")).toMatchObject({ code: "not_allowed" });
    expect(b.services.relay.cobrowseSession(session)).toMatchObject({ mode: "view", state: "active" });
    expect(moved.frames.filter((f: Frame) => f.kind === "consent-request")).toHaveLength(0);

    // The agent may ask again: a new question, on this server process, answered here.
    agentSocket.send({ kind: "request-control" });
    const again = await moved.next("consent-request", (f) => f.mode === "control");
    expect(again.request).not.toBe(question.request);

    // Audited: the withdrawal (by the system, for that agent) and one takeover entry, metadata only.
    const takeovers = await until(async () => {
      const rows = await audited("cobrowse.takeover");
      return rows.some((r) => r.target?.includes(session)) ? rows.filter((r) => r.target?.includes(session)) : undefined;
    });
    expect(takeovers).toEqual([
      { actor: "system", action: "cobrowse.takeover", target: `room:${session}@demo#from:${a.services.relay.replica}|to:${b.services.relay.replica}|epoch:2` },
    ]);
    const withdrawn = await audited("cobrowse.consent.withdrawn");
    expect(withdrawn.filter((r) => r.target?.startsWith(`room:${session}@`))).toEqual([
      { actor: "system", action: "cobrowse.consent.withdrawn.control", target: expect.stringMatching(new RegExp(`^room:${session}@demo#agent:`)) as unknown },
    ]);
    moved.close();
    agentSocket.close();
  });

  it("the visitor's no holds on the server process that takes the visit over: no page copy, no new question before the pause is over", async () => {
    const { client: visitor, welcome } = await openVisitor(a);
    const session = String(welcome.session);
    const agentSocket = await openAgent(b, agent);
    await until(() => b.services.relay.cobrowseSession(session));
    agentSocket.send({ kind: "join", versions: [1, 2], room: session, mode: "view" });
    await agentSocket.next("welcome");
    const ask = await visitor.next("consent-request");
    visitor.send({ kind: "consent", request: ask.request, answer: "denied", mode: "view" });
    expect(await agentSocket.next("consent")).toMatchObject({ answer: "denied", mode: "view" });
    await storedWhen(welcome.visit, (d) => typeof (d.paused as { view?: unknown } | undefined)?.view === "number");

    // The visit moves to B; the agent's connection there follows the session and joins again.
    const moved = await resumeAt(b, welcome.resumeToken);
    expect(await moved.next("welcome")).toMatchObject({ visit: welcome.visit, session });
    await visitor.closed;
    const told = await agentSocket.next("consent", (f) => f.answer === "denied" && typeof f.retryAfterMs === "number");
    expect(told.retryAfterMs).toBeGreaterThan(0);
    // Asking again within the pause is refused at once; the visitor was asked nothing, the agent saw nothing.
    agentSocket.send({ kind: "request-view" });
    expect(await agentSocket.next("error", (f) => f.ref === "request-view")).toMatchObject({ code: "ask_paused" });
    expect(moved.frames.filter((f: Frame) => f.kind === "consent-request")).toHaveLength(0);
    expect(agentSocket.frames.filter((f: Frame) => f.kind === "snapshot")).toHaveLength(0);
    expect(b.services.relay.cobrowseSession(session)).toMatchObject({ state: "waiting" });
    moved.close();
    agentSocket.close();
  });
});
