import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { TestServer } from "../helpers/server.js";
import type { HttpAgent } from "./helpers/http-agent.js";
import { signInEnrolled, startIdentityServer } from "./helpers/login.js";

interface Closed {
  readonly code: number;
  readonly reason: string;
}

/** Opens /ws/agent as the console does: a ticket over the session, then the console's Origin. */
async function openAgentSocket(server: TestServer, agent: HttpAgent): Promise<{ ws: WebSocket; closed: Promise<Closed> }> {
  const { body } = await agent.json(`${server.url}/api/v1/ws-ticket`, "POST");
  const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/ws/agent?ticket=${String(body.ticket)}`, { headers: { origin: server.url } });
  const closed = new Promise<Closed>((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return { ws, closed };
}

// An ended login session closes its open agent sockets, whoever ended it.
describe("agent sockets close when their login session ends", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startIdentityServer();
  });
  afterAll(async () => server?.stop());

  it("back-channel logout from the dev IdP closes the agent's open socket (4401 session_ended)", async () => {
    const { agent } = await signInEnrolled(server, "agent");
    const { closed } = await openAgentSocket(server, agent);
    await server.services.identity.devIdp?.disableUser("agent");
    await expect(closed).resolves.toEqual({ code: 4401, reason: "session_ended" });
    expect((await agent.json(`${server.url}/api/v1/me`)).status).toBe(401);
  });

  it("an admin ending the session and the agent's own logout close its socket too", async () => {
    const { agent: admin } = await signInEnrolled(server, "admin");
    const { agent: supervisor } = await signInEnrolled(server, "supervisor");
    const first = await openAgentSocket(server, supervisor);
    const { body } = await admin.json(`${server.url}/api/v1/sessions`);
    const ref = (body.sessions as { ref: string; agentSubject: string }[]).find((s) => s.agentSubject === "demo-supervisor")?.ref;
    expect((await admin.request(`${server.url}/api/v1/sessions/${ref}`, { method: "DELETE" })).status).toBe(204);
    await expect(first.closed).resolves.toEqual({ code: 4401, reason: "session_ended" });

    const { agent: again } = await signInEnrolled(server, "supervisor");
    const second = await openAgentSocket(server, again);
    expect((await again.request(`${server.url}/auth/logout`, { method: "POST" })).status).toBe(200);
    await expect(second.closed).resolves.toEqual({ code: 4401, reason: "session_ended" });
  });
});
