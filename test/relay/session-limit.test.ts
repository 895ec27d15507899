import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartOptions } from "../../src/server/server.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import type { TestServer } from "../helpers/server.js";
import { policyDir, replaceOnce, shipped } from "../policy/policy-dir.js";
import { ManualClock, openAgent, openVisitor, startSession } from "./ws-client.js";

// policies/cobrowse.yaml maxSession over real sockets, moved by a manual clock: both sides are
// warned before the limit (5 minutes, at most half the session), an agent joining after the
// warning is warned too, and the session ends with session_limit, audited with the rule.

describe("the maximum session length", () => {
  const clock = new ManualClock();
  let server: TestServer;
  let agent: HttpAgent;
  let supervisor: HttpAgent;

  beforeAll(async () => {
    const dir = policyDir({ "cobrowse.yaml": replaceOnce(shipped("cobrowse.yaml"), "maxSession: { minutes: 120,", "maxSession: { minutes: 20,") });
    const options: StartOptions = { relayClock: clock };
    server = await startIdentityServer({ AIRLOCK_POLICY_DIR: dir }, options);
    ({ agent } = await signInEnrolled(server, "agent"));
    ({ agent: supervisor } = await signInEnrolled(server, "supervisor"));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("ships 120 minutes", () => {
    expect(readFileSync(path.resolve("policies/cobrowse.yaml"), "utf8")).toMatch(/^maxSession: \{ minutes: 120,/m);
  });

  it("warns both sides 5 minutes before, then ends the session with session_limit, audited with the rule", async () => {
    expect(server.services.policy.policy.cobrowse.maxSession.minutes).toBe(20);
    const { client: visitor, welcome } = await openVisitor(server);
    const cobrowseSession = String(welcome.session);
    const agentSocket = await openAgent(server, agent);
    await startSession(visitor, agentSocket, cobrowseSession);

    clock.advance(15 * 60_000 - 1);
    expect(visitor.frames.some((f) => f.kind === "ending")).toBe(false);
    clock.advance(1);
    expect(await visitor.next("ending")).toEqual({ kind: "ending", reason: "session_limit", endsInMs: 5 * 60_000 });
    expect(await agentSocket.next("ending")).toEqual({ kind: "ending", reason: "session_limit", endsInMs: 5 * 60_000 });

    clock.advance(60_000);
    const late = await openAgent(server, supervisor);
    late.send({ kind: "join", versions: [1], room: cobrowseSession, mode: "view" });
    expect(await late.next("ending")).toMatchObject({ reason: "session_limit", endsInMs: 4 * 60_000 });

    clock.advance(4 * 60_000 - 1);
    expect(visitor.frames.some((f) => f.kind === "state" && f.state === "ended")).toBe(false);
    clock.advance(1);
    expect(await visitor.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "session_limit" });
    expect(await agentSocket.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "session_limit" });
    expect(server.services.relay.retainedBytes()).toBe(0);

    let rows: { actor: string; action: string; rule: string | null }[] = [];
    for (let i = 0; i < 100 && !rows.some((r) => r.action.startsWith("cobrowse.end")); i++) {
      rows = await server.services.storage.db.selectFrom("audit_log").select(["actor", "action", "rule"]).where("target", "=", `room:${cobrowseSession}@demo`).orderBy("seq").execute();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(rows.at(-1)).toEqual({ actor: "system", action: "cobrowse.end.session_limit", rule: "cobrowse.maxSession" });
    visitor.close();
    agentSocket.close();
    late.close();
  });

  it("counts from the visitor's consent, not from the first agent's join", async () => {
    const { client: visitor, welcome } = await openVisitor(server);
    const agentSocket = await openAgent(server, agent);
    agentSocket.send({ kind: "join", versions: [1], room: String(welcome.session), mode: "view" });
    const ask = await visitor.next("consent-request");
    clock.advance(19 * 60_000);
    visitor.send({ kind: "consent", request: ask.request, answer: "granted", mode: "view" });
    await agentSocket.next("consent");
    clock.advance(15 * 60_000 - 1);
    expect(visitor.frames.some((f) => f.kind === "ending" || (f.kind === "state" && f.state === "ended"))).toBe(false);
    clock.advance(5 * 60_000 + 1);
    expect(await visitor.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "session_limit" });
    visitor.close();
    agentSocket.close();
  });
});
