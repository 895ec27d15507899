import { describe, expect, it } from "vitest";
import { agentPolicyContext } from "./agent-context.js";
import type { PolicyContext } from "./decision.js";

describe("agentPolicyContext", () => {
  it("takes the second factor, roles, subject and address from the agent", () => {
    expect(agentPolicyContext({ subject: "a1", roles: ["agent"], mfa: false, sourceAddress: "10.0.0.7" }, { siteId: "demo", assigned: true })).toEqual({
      siteId: "demo",
      assigned: true,
      actor: "agent",
      roles: ["agent"],
      subject: "a1",
      mfa: false,
      sourceAddress: "10.0.0.7",
    });
  });

  it("lets no concern a caller passes stand in for the agent's own facts", () => {
    // A route's context function returns a PolicyContext: whatever it says of the agent is overridden.
    const forged: PolicyContext = { actor: "visitor", roles: ["admin"], subject: "someone-else", mfa: true, sourceAddress: "127.0.0.1", siteId: "demo" };
    const context = agentPolicyContext({ subject: "a1", roles: ["agent"], mfa: false }, forged);
    expect(context).toMatchObject({ actor: "agent", roles: ["agent"], subject: "a1", mfa: false, siteId: "demo" });
    expect(context.sourceAddress).toBeUndefined(); // an agent without an address has none: the allowlist check then denies
  });

  it("keeps only the roles the policy knows", () => {
    expect(agentPolicyContext({ subject: "a1", roles: ["agent", "made-up-role"], mfa: true }).roles).toEqual(["agent"]);
  });
});
