import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import type { TestServer } from "../helpers/server.js";

// The effective-policy and explain APIs: readable with policy:read only, every read audited, and
// every malformed parameter answered with bad_request naming it.
describe("policy API", () => {
  let server: TestServer;
  let auditor: HttpAgent;
  let agent: HttpAgent;
  beforeAll(async () => {
    server = await startIdentityServer();
    auditor = (await signInEnrolled(server, "auditor")).agent;
    agent = (await signInEnrolled(server, "agent")).agent;
  });
  afterAll(async () => server?.stop());

  const get = (who: HttpAgent, path: string) => who.json(`${server.url}${path}`);
  const explainUrl = (params: Record<string, string>) => `/api/v1/policy/explain?${new URLSearchParams(params).toString()}`;

  it("GET /api/v1/policy gives every file as validated data, the content hash and the load time", async () => {
    const r = await get(auditor, "/api/v1/policy");
    expect(r.status).toBe(200);
    const policy = server.services.policy;
    expect(r.body.hash).toBe(policy.hash);
    expect(r.body.loadedAt).toBe(policy.loadedAt);
    const files = r.body.files as { key: string; file: string; source: string; content: unknown }[];
    expect(files.map((f) => f.file)).toEqual(["access.yaml", "cobrowse.yaml", "sites.yaml", "sanitize.yaml", "session.yaml", "network.yaml", "retention.yaml", "routing.yaml", "attachments.yaml", "webhooks.yaml"]);
    expect(files.every((f) => f.source === "shipped")).toBe(true);
    expect(files.find((f) => f.key === "retention")?.content).toEqual(JSON.parse(JSON.stringify(policy.policy.retention)));
    expect(r.body.actions).toContainEqual({ action: "audit:read", description: expect.any(String), audited: true });
    // Server paths stay on the server.
    expect(JSON.stringify(r.body)).not.toContain(process.cwd());
  });

  it("explains a decision with the deciding rule and where it is written", async () => {
    const allowed = await get(auditor, explainUrl({ role: "agent", action: "cobrowse:control", context: JSON.stringify({ grantedMode: "control", visitorConsent: { control: true } }) }));
    expect(allowed.status).toBe(200);
    expect(allowed.body.decision).toMatchObject({ allow: true, rule: "access.roles.agent" });
    expect(allowed.body.ruleSource).toMatchObject({ file: "access.yaml", field: "roles.agent", content: { permissions: expect.arrayContaining(["cobrowse:control"]) } });
    expect(allowed.body.policyHash).toBe(server.services.policy.hash);

    const unmet = await get(auditor, explainUrl({ role: "agent", action: "cobrowse:control" }));
    expect(unmet.body.decision).toMatchObject({ allow: false, rule: "condition.control-needs-grant-and-consent" });
    expect(unmet.body.ruleSource).toMatchObject({ file: "access.yaml", field: "conditions[0]" });

    const denied = await get(auditor, explainUrl({ role: "agent-viewer", action: "keys:manage" }));
    expect(denied.body.decision).toMatchObject({ allow: false, rule: "default-deny" });
    expect(denied.body.ruleSource).toBeNull();
    expect((denied.body.trace as { rule: string }[]).map((s) => s.rule)).toEqual(["known-action", "authenticated", "session.mfa", "network.agentAllowlist", "default-deny"]);

    const visitor = await get(auditor, explainUrl({ action: "visitor:share", context: JSON.stringify({ siteId: "nowhere", origin: "https://x.example" }) }));
    expect(visitor.body.decision).toMatchObject({ allow: false, rule: "sites.unknown-site" });

    const unknown = await get(auditor, explainUrl({ role: "admin", action: "root:everything" }));
    expect(unknown.body.decision).toMatchObject({ allow: false, rule: "unknown-action" });
  });

  it.each([
    ["an unknown role", { role: "root", action: "policy:read" }, "role"],
    ["no action", { role: "agent" }, "action"],
    ["an action that is not a name", { role: "agent", action: "<script>" }, "action"],
    ["context that is not JSON", { role: "agent", action: "policy:read", context: "{grantedMode" }, "context"],
    ["an unknown context fact", { role: "agent", action: "policy:read", context: '{"isAdmin":true}' }, "context"],
    ["a context fact of the wrong type", { role: "agent", action: "policy:read", context: '{"mfa":"yes"}' }, "context"],
    ["an unknown parameter", { role: "agent", action: "policy:read", debug: "1" }, "debug"],
  ])("refuses %s with bad_request naming the parameter", async (_name, params, parameter) => {
    const r = await get(auditor, explainUrl(params));
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: "bad_request", details: { issues: expect.arrayContaining([expect.objectContaining({ parameter })]) } });
  });

  it("refuses a repeated parameter", async () => {
    const r = await get(auditor, "/api/v1/policy/explain?action=policy:read&action=audit:read");
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: "bad_request", details: { issues: [expect.objectContaining({ parameter: "action" })] } });
  });

  it("answers 401 without a session and 403 to a role without policy:read; reads and denials are audited", async () => {
    const anonymous = await fetch(`${server.url}/api/v1/policy`);
    expect(anonymous.status).toBe(401);
    const refused = await get(agent, "/api/v1/policy");
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: "forbidden" });
    await get(auditor, explainUrl({ role: "agent", action: "chat:handle" }));

    const rows = await server.services.storage.db
      .selectFrom("audit_log")
      .select(["actor", "action", "target", "decision"])
      .where("action", "=", "policy:read")
      .orderBy("seq")
      .execute();
    expect(rows).toContainEqual({ actor: expect.stringMatching(/^agent:/), action: "policy:read", target: "route:GET:/api/v1/policy", decision: "deny" });
    expect(rows).toContainEqual({ actor: expect.stringMatching(/^agent:/), action: "policy:read", target: "route:GET:/api/v1/policy/explain", decision: "allow" });
  });
});
