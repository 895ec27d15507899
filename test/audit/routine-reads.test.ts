import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RoutineReads } from "../../src/policy/routine-reads.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import type { TestServer } from "../helpers/server.js";

// Pages that refresh a list while open (the supervisor's chats in progress every 10 s, live
// statistics, live co-browse sessions) must not flood the audit trail: an allowed routine read of
// an audited action is written once per agent and route per window; denials every time; other
// audited reads (the audit trail itself) every time.

describe("routine polling reads and the audit trail", () => {
  let server: TestServer;
  let supervisor: HttpAgent;
  let auditor: HttpAgent;
  let agent: HttpAgent;

  beforeAll(async () => {
    server = await startIdentityServer();
    supervisor = (await signInEnrolled(server, "supervisor")).agent;
    auditor = (await signInEnrolled(server, "auditor")).agent;
    agent = (await signInEnrolled(server, "agent")).agent;
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function entries(target: string): Promise<{ actor: string; action: string; decision: string }[]> {
    return server.services.storage.db.selectFrom("audit_log").select(["actor", "action", "decision"]).where("target", "=", target).orderBy("seq").execute();
  }

  it("a supervisor page polling chats in progress 20 times writes one entry, not 20", async () => {
    for (let i = 0; i < 20; i++) {
      const r = await supervisor.request(`${server.url}/api/v1/chat/active?site=demo`);
      expect(r.status).toBe(200);
    }
    const rows = await entries("route:GET:/api/v1/chat/active");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: "chat:supervise", decision: "allow" });
  });

  it("every denial of a routine read is still written", async () => {
    for (let i = 0; i < 3; i++) expect((await agent.request(`${server.url}/api/v1/chat/active?site=demo`)).status).toBe(403);
    const denials = (await entries("route:GET:/api/v1/chat/active")).filter((r) => r.decision === "deny");
    expect(denials).toHaveLength(3);
  });

  it("reads that are not routine are audited every time (reading the audit trail)", async () => {
    for (let i = 0; i < 3; i++) expect((await auditor.request(`${server.url}/api/v1/audit?limit=1`)).status).toBe(200);
    expect((await entries("route:GET:/api/v1/audit")).filter((r) => r.action === "audit:read")).toHaveLength(3);
  });

  it("the window is per agent and route, and a read after the window is written again", () => {
    let now = 0;
    const reads = new RoutineReads(() => now, 60_000);
    expect(reads.shouldAudit("a", "route:GET:/x")).toBe(true);
    expect(reads.shouldAudit("a", "route:GET:/x")).toBe(false);
    expect(reads.shouldAudit("b", "route:GET:/x")).toBe(true);
    expect(reads.shouldAudit("a", "route:GET:/y")).toBe(true);
    now = 59_999;
    expect(reads.shouldAudit("a", "route:GET:/x")).toBe(false);
    now = 60_000;
    expect(reads.shouldAudit("a", "route:GET:/x")).toBe(true);
  });
});
