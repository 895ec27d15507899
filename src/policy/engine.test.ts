import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ACTIONS, AGENT_ACTIONS, ROLES, type Action } from "./actions.js";
import type { PolicyContext } from "./decision.js";
import { PolicyEngine } from "./engine.js";
import { PolicyError } from "./errors.js";
import { shippedPolicyDir } from "./load.js";
import { policyDir, replaceOnce, shipped } from "../../test/policy/policy-dir.js";

const engine = PolicyEngine.load({ shippedDir: shippedPolicyDir, mode: "dev" });
const agent = (roles: PolicyContext["roles"], extra: PolicyContext = {}): PolicyContext => ({
  actor: "agent", roles, subject: "a1", mfa: true, sourceAddress: "10.1.2.3", ...extra,
});

describe("policy engine (deny by default)", () => {
  it("denies a role that no rule grants the action, naming default-deny", () => {
    const d = engine.decide("chatlog:read", agent(["agent"]));
    expect(d).toMatchObject({ allow: false, rule: "default-deny" });
    expect(d.asvs).toContain("V8.2.1");
  });

  it("denies an unknown action even for every role", () => {
    const d = engine.decide("chatlog:delete-everything" as Action, agent([...ROLES]));
    expect(d).toMatchObject({ allow: false, rule: "unknown-action" });
  });

  it("denies a role whose rule is removed from access.yaml (a role without a rule)", () => {
    const access = replaceOnce(shipped("access.yaml"), "    permissions: [console:use, mfa:manage, chatlog:read, audit:read, policy:read]\n", "    permissions: []\n");
    const e = PolicyEngine.load({ shippedDir: shippedPolicyDir, overrideDir: policyDir({ "access.yaml": access }), mode: "dev" });
    for (const action of AGENT_ACTIONS) expect(e.decide(action, agent(["auditor"])).allow, action).toBe(false);
  });

  it("denies without an authenticated agent, before MFA, and outside the network allowlist", () => {
    expect(engine.decide("console:use", { actor: "agent" }).rule).toBe("unauthenticated");
    expect(engine.decide("audit:read", agent(["auditor"], { mfa: false })).rule).toBe("session.mfa");
    expect(engine.decide("mfa:manage", agent(["auditor"], { mfa: false })).allow).toBe(true);
    expect(engine.decide("audit:read", agent(["auditor"], { sourceAddress: "203.0.113.9" })).rule).toBe("network.agentAllowlist");
    const { sourceAddress: _omit, ...noAddress } = agent(["auditor"]);
    expect(engine.decide("audit:read", noAddress).rule).toBe("network.agentAllowlist");
    expect(engine.decide("audit:read", agent(["auditor"], { sourceAddress: "::ffff:10.0.0.1" })).allow).toBe(true);
  });

  it("allows what a role grants and names that role's rule with its ASVS ids", () => {
    expect(engine.decide("audit:read", agent(["auditor"]))).toEqual({
      allow: true, rule: "access.roles.auditor", reason: "role auditor grants audit:read", asvs: ["V8.1.1", "V8.2.1", "V8.2.2"],
    });
  });

  it("control needs the role, the visitor's grant and consent; an agent-viewer never gets it", () => {
    const granted: PolicyContext = { grantedMode: "control", visitorConsent: { view: true, control: true } };
    expect(engine.decide("cobrowse:control", agent(["agent"], granted)).allow).toBe(true);
    expect(engine.decide("cobrowse:control", agent(["agent-viewer"], granted)).rule).toBe("default-deny");
    expect(engine.decide("cobrowse:control", agent(["agent"], { ...granted, grantedMode: "view" })).rule).toBe("condition.control-needs-grant-and-consent");
    expect(engine.decide("cobrowse:control", agent(["agent"], { ...granted, visitorConsent: { view: true } })).reason).toMatch(/consented to control/);
  });

  it("transfer needs assignment unless the role is exempt (supervisors)", () => {
    expect(engine.decide("chat:transfer", agent(["agent"])).rule).toBe("condition.transfer-needs-assignment");
    expect(engine.decide("chat:transfer", agent(["agent"], { assigned: true })).allow).toBe(true);
    expect(engine.decide("chat:transfer", agent(["supervisor"])).allow).toBe(true);
  });

  it("visitor actions need a registered site and its exact origin, and sharing needs consent", () => {
    const visitor: PolicyContext = { actor: "visitor", siteId: "demo", origin: "http://127.0.0.1:8080" };
    expect(engine.decide("visitor:connect", visitor).allow).toBe(true);
    expect(engine.decide("visitor:connect", { ...visitor, origin: "http://127.0.0.1:8080.evil.test" }).allow).toBe(false);
    expect(engine.decide("visitor:connect", { ...visitor, siteId: "constructor" }).rule).toBe("sites.unknown-site");
    expect(engine.decide("visitor:share", visitor).rule).toBe("cobrowse.consent.view");
    expect(engine.decide("visitor:share", { ...visitor, visitorConsent: { view: true } }).allow).toBe(true);
    expect(engine.decide("visitor:connect", agent(["admin"])).rule).toBe("visitor-only");
    expect(engine.decide("console:use", { ...visitor, roles: ["admin"] }).rule).toBe("agent-only");
  });

  it("explain lists every step and names the deciding rule", () => {
    const x = engine.explain("cobrowse:control", agent(["agent"]));
    expect(x.decision.rule).toBe("condition.control-needs-grant-and-consent");
    expect(x.trace.map((s) => s.outcome)).toEqual(["pass", "pass", "pass", "pass", "pass", "deny"]);
    expect(x.trace.at(-1)?.rule).toBe(x.decision.rule);
    expect(x.policyHash).toBe(engine.hash);
  });

  it("maps IdP groups to roles and lists permissions for the console", () => {
    expect(engine.rolesForGroups(["airlock-admins", "airlock-agents", "unknown", "__proto__"])).toEqual(["agent", "admin"]);
    expect(engine.permissionsOf(["auditor"])).toEqual(["audit:read", "chatlog:read", "console:use", "mfa:manage", "policy:read"]);
  });

  it("every action is decided without throwing for any role (fuzz over the vocabulary)", () => {
    for (const action of ACTIONS) for (const role of ROLES) expect(typeof engine.decide(action, agent([role])).allow).toBe("boolean");
  });

  it("reload validates first: an invalid policy is rejected and the previous one stays in force", () => {
    const dir = policyDir({ "access.yaml": shipped("access.yaml") });
    const e = PolicyEngine.load({ shippedDir: shippedPolicyDir, overrideDir: dir, mode: "dev" });
    const before = e.hash;
    writeFileSync(path.join(dir, "access.yaml"), replaceOnce(shipped("access.yaml"), "airlock-auditors: [auditor]", "airlock-auditors: [root]"));
    expect(() => e.reload()).toThrow(PolicyError);
    expect(e.hash).toBe(before);
    expect(e.decide("audit:read", agent(["auditor"])).allow).toBe(true);
    writeFileSync(path.join(dir, "access.yaml"), replaceOnce(shipped("access.yaml"), "chatlog:read, audit:read, policy:read]", "chatlog:read, policy:read]"));
    expect(e.reload()).toMatchObject({ changed: true, previousHash: before });
    expect(e.decide("audit:read", agent(["auditor"])).allow).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
