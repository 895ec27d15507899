import { afterAll, beforeAll, expect, it } from "vitest";
import { hashToken } from "../../src/auth/tokens.js";
import { describeEachDialect } from "../helpers/dialects.js";
import type { TestServer } from "../helpers/server.js";
import { HttpAgent } from "./helpers/http-agent.js";
import { signInAtIdp, signInEnrolled, startIdentityServer } from "./helpers/login.js";

// Identity changes and their audit entries commit in one transaction: when the entry cannot be
// written, the change does not happen either (the request fails closed with 500).
describeEachDialect("identity audit entries commit with their change", (fx) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startIdentityServer({ AIRLOCK_DATABASE_URL: await fx.freshUrl() });
  });
  afterAll(async () => server?.stop());

  const db = () => server.services.storage.db;
  const sessionCount = async () => Number((await db().selectFrom("agent_session").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
  const refOf = (agent: HttpAgent) => hashToken(agent.cookies.get("__Host-airlock") ?? "");
  const sessionExists = async (agent: HttpAgent) => (await db().selectFrom("agent_session").select("id_hash").where("id_hash", "=", refOf(agent)).execute()).length === 1;

  /** Runs `body` while no audit entry can be appended (the chain head row is gone), then restores it. */
  async function withAuditUnavailable(body: () => Promise<void>): Promise<void> {
    const head = await db().selectFrom("audit_head").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
    await db().deleteFrom("audit_head").where("id", "=", 1).execute();
    try {
      await body();
    } finally {
      await db().insertInto("audit_head").values(head).execute();
    }
  }

  it("logout: without its audit entry the session is not ended", async () => {
    const { agent } = await signInEnrolled(server);
    await withAuditUnavailable(async () => {
      expect((await agent.request(`${server.url}/auth/logout`, { method: "POST" })).status).toBe(500);
      expect(await sessionExists(agent)).toBe(true);
    });
    const ref = refOf(agent);
    const before = await db().selectFrom("audit_log").select(({ fn }) => fn.max("seq").as("seq")).executeTakeFirstOrThrow();
    expect((await agent.request(`${server.url}/auth/logout`, { method: "POST" })).status).toBe(200);
    expect(await db().selectFrom("agent_session").select("id_hash").where("id_hash", "=", ref).execute()).toEqual([]);
    const written = await db().selectFrom("audit_log").select(["action", "seq"]).where("seq", ">", Number(before.seq)).orderBy("seq").execute();
    expect(written.map((r) => r.action)).toEqual(["auth.logout", "auth.session.ended"]);
  });

  it("login: without the audit entry no session is created", async () => {
    const agent = new HttpAgent(server.url);
    const callback = await signInAtIdp(agent, server, "viewer", "viewer-demo");
    const sessions = await sessionCount();
    await withAuditUnavailable(async () => {
      expect((await agent.request(callback)).status).toBeGreaterThanOrEqual(500);
      expect(await sessionCount()).toBe(sessions);
    });
    expect(agent.cookies.has("__Host-airlock")).toBe(false);
  });

  it("back-channel logout: without the audit entry the sessions stay until the IdP retries", async () => {
    const { agent } = await signInEnrolled(server, "supervisor");
    const idp = server.services.identity.devIdp;
    if (!idp) throw new Error("dev IdP expected");
    await withAuditUnavailable(async () => {
      await expect(idp.disableUser("supervisor")).rejects.toThrow(/500/);
      expect(await sessionExists(agent)).toBe(true);
    });
  });
});
