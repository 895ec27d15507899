import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartOptions } from "../../src/server/server.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import type { TestServer } from "../helpers/server.js";
import { ManualClock, openAgent, openVisitor, startSession, type WsClient } from "./ws-client.js";

// "Away" over real sockets, moved by a manual clock: an agent's viewer that is hidden or whose
// connection was lost (not closed on purpose) is away; after the policy's agentInactivity its seat
// ends (agent_away), and with it the session when it was the last agent. The same agent coming
// back in time takes the seat again. The audit trail names why each seat and each session ended.

async function ended(client: WsClient): Promise<boolean> {
  return client.frames.some((f) => f.kind === "state" && f.state === "ended");
}

describe("an agent away from the session", () => {
  const clock = new ManualClock();
  let server: TestServer;
  let agent: HttpAgent;
  let supervisor: HttpAgent;

  /** Waits until the server has handled the socket's close (it schedules the away timer then). */
  async function lost(socket: WsClient): Promise<void> {
    const timers = clock.pending;
    socket.ws.terminate();
    await socket.closed;
    for (let i = 0; i < 200 && clock.pending === timers; i++) await new Promise((r) => setTimeout(r, 5));
    expect(clock.pending).toBeGreaterThan(timers);
  }

  async function auditOf(session: string): Promise<{ actor: string; action: string; rule: string | null }[]> {
    return server.services.storage.db.selectFrom("audit_log").select(["actor", "action", "rule"]).where("target", "=", `room:${session}@demo`).orderBy("seq").execute();
  }

  beforeAll(async () => {
    const options: StartOptions = { relayClock: clock };
    server = await startIdentityServer({}, options);
    ({ agent } = await signInEnrolled(server, "agent"));
    ({ agent: supervisor } = await signInEnrolled(server, "supervisor"));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("a lost connection keeps the seat for the limit; the same agent coming back takes it without a new prompt", async () => {
    const { client: visitor, welcome } = await openVisitor(server);
    const room = String(welcome.session);
    const first = await openAgent(server, agent);
    await startSession(visitor, first, room);
    await lost(first);
    clock.advance(119_000);
    expect(await ended(visitor)).toBe(false);

    const again = await openAgent(server, agent);
    again.send({ kind: "join", versions: [1], room, mode: "view" });
    expect(await again.next("welcome")).toMatchObject({ room, awayLimitMs: 120_000 });
    visitor.send({ kind: "viewport", viewport: { width: 640, height: 480 } });
    expect(await again.next("viewport")).toMatchObject({ viewport: { width: 640, height: 480 } });
    expect(visitor.frames.filter((f) => f.kind === "consent-request")).toHaveLength(1);
    clock.advance(60 * 60_000);
    expect(await ended(visitor)).toBe(false);
    expect(server.services.relay.cobrowseSession(room)?.agents).toBe(1);
    again.close();
    visitor.close();
  });

  it("a lost connection that does not come back ends the session after 120 s: agent_away, audited with the rule", async () => {
    const { client: visitor, welcome } = await openVisitor(server);
    const cobrowseSession = String(welcome.session);
    const socket = await openAgent(server, agent);
    await startSession(visitor, socket, cobrowseSession);
    await lost(socket);
    clock.advance(119_999);
    expect(await ended(visitor)).toBe(false);
    clock.advance(1);
    expect(await visitor.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "agent_away" });
    let rows: Awaited<ReturnType<typeof auditOf>> = [];
    for (let i = 0; i < 100 && !rows.some((r) => r.action.startsWith("cobrowse.end")); i++) {
      rows = await auditOf(cobrowseSession);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(rows.map((r) => r.action)).toEqual([
      "cobrowse.join",
      "cobrowse.start",
      "cobrowse.watcher.join",
      "cobrowse.leave.agent_away",
      "cobrowse.watcher.leave.agent_away",
      "cobrowse.end.agent_away",
    ]);
    expect(rows[3]).toMatchObject({ actor: expect.stringMatching(/^agent:/), rule: "cobrowse.agentInactivity" });
    expect(rows[5]).toMatchObject({ actor: "system", rule: "cobrowse.agentInactivity" });
    visitor.close();
  });

  it("with two agents, only the away agent's seat ends; the session goes on with the other", async () => {
    const { client: visitor, welcome } = await openVisitor(server);
    const cobrowseSession = String(welcome.session);
    const agentSocket = await openAgent(server, agent);
    await startSession(visitor, agentSocket, cobrowseSession);
    const supervisorSocket = await openAgent(server, supervisor);
    supervisorSocket.send({ kind: "join", versions: [1], room: cobrowseSession, mode: "view" });
    await supervisorSocket.next("welcome");
    // Where policy asks the visitor about each additional watcher, the visitor agrees.
    const ask = await visitor.next("consent-request", () => true, 500).catch(() => undefined);
    if (ask) visitor.send({ kind: "consent", request: ask.request, answer: "granted", mode: ask.mode });
    await visitor.next("state", (f) => f.agents === 2);

    supervisorSocket.send({ kind: "presence", visible: false });
    await supervisorSocket.next("away", (f) => f.endsInMs === 120_000);
    clock.advance(120_000);
    expect(await supervisorSocket.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "agent_away" });
    expect(await visitor.next("state", (f) => f.agents === 1)).toMatchObject({ state: "active" });
    expect(await ended(agentSocket)).toBe(false);
    agentSocket.close();
    supervisorSocket.close();
    visitor.close();
  });

  it("refuses malformed presence frames with bad_frame and presence before joining with wrong_state", async () => {
    const socket = await openAgent(server, agent);
    for (const bad of [{ kind: "presence" }, { kind: "presence", visible: "no" }, { kind: "presence", visible: false, since: 1 }]) {
      socket.send(bad);
      expect(await socket.next("error")).toMatchObject({ code: "bad_frame" });
    }
    socket.send({ kind: "presence", visible: false });
    expect(await socket.next("error")).toMatchObject({ code: "wrong_state", ref: "presence" });
    socket.close();
  });
});
