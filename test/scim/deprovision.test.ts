import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInAtIdp, signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import { startReplicaPair, type ReplicaPair } from "../helpers/replicas.js";
import type { TestServer } from "../helpers/server.js";
import { serviceUrl } from "../helpers/services.js";
import { GROUP, PATCH_OP, scimClientFor, USER, type ScimClient } from "./scim-client.js";

// What deprovisioning does to a real agent: the IdP deactivates or deletes the user through SCIM
// on one server, and the agent's sessions end and open sockets close on every server process
// (over the bus), the next sign-in is refused with a sentence, and reactivation lets them in
// again. Group membership pushed through SCIM gives roles through policies/access.yaml.

interface Closed {
  readonly code: number;
  readonly reason: string;
}

async function openAgentSocket(server: TestServer, agent: HttpAgent): Promise<{ closed: Promise<Closed> }> {
  const { body } = await agent.json(`${server.url}/api/v1/ws-ticket`, "POST");
  const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/ws/agent?ticket=${String(body.ticket)}`, { headers: { origin: server.url } });
  const closed = new Promise<Closed>((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return { closed };
}

/** The callback's answer when the agent signs in again at the IdP (a real sign-in, no shortcut). */
async function signInAgain(server: TestServer, login: string): Promise<{ status: number; body: string }> {
  const agent = new HttpAgent(server.url);
  const callback = await signInAtIdp(agent, server, login, `${login}-demo`);
  const done = await agent.request(callback);
  return { status: done.status, body: done.body };
}

async function rolesOf(server: TestServer, agent: HttpAgent): Promise<unknown> {
  const me = await agent.json(`${server.url}/api/v1/me`);
  return (me.body.agent as { roles?: unknown } | undefined)?.roles ?? me.body.roles;
}

/** `scimSide` takes the IdP's SCIM calls; the agent signs in and holds its socket on `agentSide`. */
function deprovisioningScenario(servers: () => { scimSide: TestServer; agentSide: TestServer }) {
  let scim: ScimClient;
  let userId: string;
  let supervisors: string;
  let agents: string;

  beforeAll(async () => {
    const { scimSide, agentSide } = servers();
    // The IdP provisions the agents who sign in at the agent side's dev IdP.
    scim = await scimClientFor(scimSide, "entra", agentSide.services.identity.devIdp?.issuer);
    const user = await scim.call("POST", "/Users", { schemas: [USER], userName: "agent@airlock.test", externalId: "alex", displayName: "Alex Agent", active: true });
    expect(user.status).toBe(201);
    userId = String(user.body.id);
    supervisors = String((await scim.call("POST", "/Groups", { schemas: [GROUP], displayName: "airlock-supervisors", members: [{ value: userId }] })).body.id);
    agents = String((await scim.call("POST", "/Groups", { schemas: [GROUP], displayName: "airlock-agents", members: [] })).body.id);
  });

  it("maps SCIM group membership to roles through the policy's groupMapping; losing a role ends the sessions", async () => {
    const { agentSide } = servers();
    const { agent } = await signInEnrolled(agentSide, "agent");
    // The dev IdP's token says airlock-agents; the IdP's SCIM groups decide.
    expect(await rolesOf(agentSide, agent)).toEqual(["supervisor"]);
    // Gaining a role applies at the next request.
    await scim.call("PATCH", `/Groups/${agents}`, { schemas: [PATCH_OP], Operations: [{ op: "Add", path: "members", value: [{ value: userId }] }] });
    expect(await rolesOf(agentSide, agent)).toEqual(["agent", "supervisor"]);
    // Losing one ends the sessions: an open socket must not keep a role the agent no longer has.
    const { closed } = await openAgentSocket(agentSide, agent);
    await scim.call("PATCH", `/Groups/${supervisors}`, { schemas: [PATCH_OP], Operations: [{ op: "Remove", path: "members", value: [{ value: userId }] }] });
    await expect(closed).resolves.toEqual({ code: 4401, reason: "session_ended" });
    expect((await agent.json(`${agentSide.url}/api/v1/me`)).status).toBe(401);
    const { agent: again } = await signInEnrolled(agentSide, "agent");
    expect(await rolesOf(agentSide, again)).toEqual(["agent"]);
  });

  it("deactivation ends the agent's sessions, closes its socket with account_deactivated on every server, and refuses the next sign-in", async () => {
    const { scimSide, agentSide } = servers();
    const { agent } = await signInEnrolled(agentSide, "agent");
    const { closed } = await openAgentSocket(agentSide, agent);
    const off = await scim.call("PATCH", `/Users/${userId}`, { schemas: [PATCH_OP], Operations: [{ op: "Replace", path: "active", value: "False" }] });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    await expect(closed).resolves.toEqual({ code: 4403, reason: "account_deactivated" });
    expect((await agent.json(`${agentSide.url}/api/v1/me`)).status).toBe(401);
    const agentRow = await scimSide.services.storage.db.selectFrom("agent").select("id").where("subject", "=", "demo-agent").executeTakeFirstOrThrow();
    expect(await scimSide.services.storage.db.selectFrom("agent_session").select("id_hash").where("agent_id", "=", agentRow.id).execute()).toEqual([]);
    const ended = await scimSide.services.storage.db.selectFrom("audit_log").select(["action", "target"]).where("action", "=", "auth.session.ended").where("target", "=", "reason:deprovisioned").execute();
    expect(ended.length).toBeGreaterThan(0);

    const refused = await signInAgain(agentSide, "agent");
    expect(refused.status).toBe(403);
    expect(refused.body).toContain("Your organisation has deactivated your Airlock account, so you cannot sign in.");
    expect(await scimSide.services.storage.db.selectFrom("agent_session").select("id_hash").where("agent_id", "=", agentRow.id).execute()).toEqual([]);

    // Okta's form of reactivation lets the agent in again.
    await scim.call("PATCH", `/Users/${userId}`, { schemas: [PATCH_OP], Operations: [{ op: "replace", value: { active: true } }] });
    expect((await signInAgain(agentSide, "agent")).status).toBe(302);
  });

  it("deleting the user does the same, and the tombstone keeps refusing sign-in", async () => {
    const { agentSide } = servers();
    const { agent } = await signInEnrolled(agentSide, "agent");
    const { closed } = await openAgentSocket(agentSide, agent);
    expect((await scim.call("DELETE", `/Users/${userId}`)).status).toBe(204);
    await expect(closed).resolves.toEqual({ code: 4403, reason: "account_deactivated" });
    expect((await agent.json(`${agentSide.url}/api/v1/me`)).status).toBe(401);
    const refused = await signInAgain(agentSide, "agent");
    expect(refused.status).toBe(403);
    expect(refused.body).toContain("deactivated your Airlock account");
    // Provisioned again: allowed again.
    const again = await scim.call("POST", "/Users", { schemas: [USER], userName: "Agent@airlock.test", active: true });
    expect(again.status).toBe(201);
    // Without an Airlock group the IdP's SCIM groups give no role: refused, for that reason.
    const noRole = await signInAgain(agentSide, "agent");
    expect(noRole.status).toBe(403);
    expect(noRole.body).toContain("Your account has no Airlock role.");
    await scim.call("PATCH", `/Groups/${agents}`, { schemas: [PATCH_OP], Operations: [{ op: "add", path: "members", value: [{ value: String(again.body.id) }] }] });
    expect((await signInAgain(agentSide, "agent")).status).toBe(302);
  });

  it("leaves agents no IdP provisions alone", async () => {
    const { agentSide } = servers();
    expect((await signInAgain(agentSide, "viewer")).status).toBe(302);
  });
}

describe("SCIM deprovisioning [sqlite, one server]", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startIdentityServer();
  });
  afterAll(async () => server?.stop());
  deprovisioningScenario(() => ({ scimSide: server, agentSide: server }));
});

const haveCluster = serviceUrl("AIRLOCK_TEST_PG_URL") && serviceUrl("AIRLOCK_TEST_REDIS_URL");
(haveCluster ? describe : describe.skip)("SCIM deprovisioning [postgres, two replicas over Redis]", () => {
  let pair: ReplicaPair;
  beforeAll(async () => {
    pair = await startReplicaPair();
  });
  afterAll(async () => pair?.stop());
  deprovisioningScenario(() => ({ scimSide: pair.a, agentSide: pair.b }));
});
