import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { recordAudit } from "../../src/audit/trail.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import { describeEachDialect } from "../helpers/dialects.js";
import type { TestServer } from "../helpers/server.js";

interface Entry {
  seq: number;
  at: number;
  time: string;
  actor: string;
  action: string;
  target: string | null;
}

const T = Date.UTC(2031, 4, 1, 12, 0, 0);

// The audit API on SQLite and PostgreSQL: filters, keyset paging, verification, access, and the
// audit of reading the audit trail.
describeEachDialect("audit API", (fx) => {
  let server: TestServer;
  let auditor: HttpAgent;
  let admin: HttpAgent;
  let agent: HttpAgent;
  beforeAll(async () => {
    server = await startIdentityServer({ AIRLOCK_DATABASE_URL: await fx.freshUrl() });
    auditor = (await signInEnrolled(server, "auditor")).agent;
    admin = (await signInEnrolled(server, "admin")).agent;
    agent = (await signInEnrolled(server, "agent")).agent;
    // Entries in the future of everything the sign-ins wrote, one minute apart.
    for (let i = 0; i < 30; i++) {
      await recordAudit(server.services.storage.db, {
        actor: i % 3 === 0 ? "agent:fixture-a" : "agent:fixture-b",
        action: i % 2 === 0 ? "chatlog:read" : "cobrowse:view",
        target: `conversation:c${i}`,
        decision: "allow",
        rule: "access.roles.auditor",
        sourceAddress: "10.0.0.7",
        at: T + i * 60_000,
      });
    }
  });
  afterAll(async () => server?.stop());

  const list = async (who: HttpAgent, query: Record<string, string>) => {
    const r = await who.json(`${server.url}/api/v1/audit?${new URLSearchParams(query).toString()}`);
    return { ...r, entries: (r.body.entries ?? []) as Entry[], nextBefore: r.body.nextBefore as number | null };
  };

  it("filters by actor, action and target (exact or prefix*), newest first", async () => {
    const a = await list(auditor, { actor: "agent:fixture-a" });
    expect(a.status).toBe(200);
    expect(a.entries).toHaveLength(10);
    expect(a.entries.map((e) => e.target)).toEqual([27, 24, 21, 18, 15, 12, 9, 6, 3, 0].map((i) => `conversation:c${i}`));
    expect(a.entries[0]).toMatchObject({ actor: "agent:fixture-a", action: "cobrowse:view", time: new Date(T + 27 * 60_000).toISOString() });

    const both = await list(auditor, { actor: "agent:fixture-a", action: "chatlog:read" });
    expect(both.entries.map((e) => e.target)).toEqual([24, 18, 12, 6, 0].map((i) => `conversation:c${i}`));
    expect((await list(auditor, { target: "conversation:c2*" })).entries.map((e) => e.target)).toEqual(["conversation:c29", "conversation:c28", "conversation:c27", "conversation:c26", "conversation:c25", "conversation:c24", "conversation:c23", "conversation:c22", "conversation:c21", "conversation:c20", "conversation:c2"]);
    expect((await list(auditor, { actor: "agent:fixture*", target: "conversation:c1" })).entries).toHaveLength(1);
    // A prefix is compared byte for byte: no case folding, no LIKE wildcards.
    expect((await list(auditor, { actor: "AGENT:fixture*" })).entries).toHaveLength(0);
    expect((await list(auditor, { actor: "agent:fixture_*" })).entries).toHaveLength(0);
  });

  it("filters by time: from inclusive, to exclusive, as ISO 8601 or epoch ms", async () => {
    const iso = await list(auditor, { from: new Date(T + 10 * 60_000).toISOString(), to: new Date(T + 13 * 60_000).toISOString() });
    expect(iso.entries.map((e) => e.target)).toEqual(["conversation:c12", "conversation:c11", "conversation:c10"]);
    const ms = await list(auditor, { from: String(T + 10 * 60_000), to: String(T + 13 * 60_000) });
    expect(ms.entries).toEqual(iso.entries);
    const offset = await list(auditor, { from: "2031-05-01T14:10:00+02:00", to: "2031-05-01T14:13:00+02:00" });
    expect(offset.entries).toEqual(iso.entries);
  });

  it("pages with before and limit until nextBefore is null, without gaps or repeats", async () => {
    const seen: number[] = [];
    let before: number | null | undefined;
    let pages = 0;
    do {
      const page = await list(auditor, { actor: "agent:fixture*", limit: "7", ...(before ? { before: String(before) } : {}) });
      expect(page.entries.length).toBeLessThanOrEqual(7);
      seen.push(...page.entries.map((e) => e.seq));
      before = page.nextBefore;
      pages++;
    } while (before !== null && pages < 10);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(30);
    expect([...seen].sort((x, y) => y - x)).toEqual(seen);
    expect(new Set(seen).size).toBe(30);
  });

  it.each([
    ["a time that is not a date", { from: "yesterday" }, "from"],
    ["from not before to", { from: String(T), to: String(T) }, "to"],
    ["a limit of 0", { limit: "0" }, "limit"],
    ["a limit over 200", { limit: "500" }, "limit"],
    ["an actor with free text", { actor: "agent a" }, "actor"],
    ["a bare *", { target: "*" }, "target"],
    ["a cursor that is not a sequence number", { before: "-1" }, "before"],
    ["an unknown parameter", { sort: "asc" }, "sort"],
  ])("refuses %s with bad_request naming the parameter", async (_name, query, parameter) => {
    const r = await list(auditor, query);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: "bad_request", details: { issues: [expect.objectContaining({ parameter })] } });
  });

  it("reading the trail is itself audited, with the reader and the route", async () => {
    const me = await auditor.json(`${server.url}/api/v1/me`);
    const agentId = (me.body.agent as { id: string }).id;
    await list(auditor, { actor: "agent:fixture-a" });
    const own = await list(auditor, { actor: `agent:${agentId}`, action: "audit:read", limit: "1" });
    expect(own.entries[0]).toMatchObject({ actor: `agent:${agentId}`, action: "audit:read", target: "route:GET:/api/v1/audit", decision: "allow", rule: "access.roles.auditor" });
  });

  it("answers 401 without a session and 403 (audited) to a role without audit:read; admins may read", async () => {
    expect((await fetch(`${server.url}/api/v1/audit`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/audit/verify`)).status).toBe(401);
    const refused = await list(agent, {});
    expect(refused.status).toBe(403);
    expect((await agent.json(`${server.url}/api/v1/audit/verify`)).status).toBe(403);
    const denials = await list(auditor, { action: "audit:read", target: "route:GET:/api/v1/audit*" });
    expect(denials.entries.filter((e) => (e as Entry & { decision: string }).decision === "deny")).toHaveLength(2);
    expect((await list(admin, { limit: "1" })).status).toBe(200);
  });

  it("verify reports an intact chain, then the first broken link with its sequence number and why", async () => {
    const ok = await auditor.json(`${server.url}/api/v1/audit/verify`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, entries: expect.any(Number), headSeq: expect.any(Number), headHash: expect.stringMatching(/^[0-9a-f]{64}$/), checkedAt: expect.any(Number) });

    const db = server.services.storage.db;
    const victim = await db.selectFrom("audit_log").select("seq").where("target", "=", "conversation:c5").executeTakeFirstOrThrow();
    // What an attacker with database rights does: drop the append-only trigger, then edit an entry.
    if (fx.dialect === "postgres") await sql`drop trigger audit_log_no_update on audit_log`.execute(db);
    else await sql`drop trigger audit_log_no_update`.execute(db);
    await db.updateTable("audit_log").set({ target: "conversation:c999" }).where("seq", "=", victim.seq).execute();

    const broken = await auditor.json(`${server.url}/api/v1/audit/verify`);
    expect(broken.status).toBe(200);
    expect(broken.body).toMatchObject({ ok: false, brokenAt: Number(victim.seq), reason: expect.stringContaining("altered") });
  });
});
