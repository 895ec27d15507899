import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allRoutes } from "../../src/server/routes/index.js";
import type { RouteDef } from "../../src/http/route.js";
import { demoUsers } from "../../src/auth/dev-idp/demo-users.js";
import type { Role } from "../../src/policy/actions.js";
import { signInAtIdp, signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import { HttpAgent } from "../auth/helpers/http-agent.js";
import type { TestServer } from "../helpers/server.js";
import { clientId, visitId } from "../chat/chat-fixture.js";

// Message text is readable only with chatlog:read (SECURITY.md, the DPIA, access.yaml: "admin is
// not a super-user"). This walks EVERY route of the route table as every role, as a signed-in
// agent still before MFA, and as nobody, with planted message text in every state a conversation
// can be in, and fails when a response carries planted text to someone without chatlog:read.

const PLANT = "planted-message-text-7c2e";
const plant = (where: string) => `${PLANT} ${where}`;

let server: TestServer;
let visitor: string;
let conversation: string;
const callers = new Map<string, HttpAgent>();
const LOGINS = ["viewer", "agent", "supervisor", "auditor", "admin"] as const;

/** Request bodies for every route that takes one; a new route with a body must add its sample. */
const bodies: Record<string, () => unknown> = {
  "POST /api/v1/csp-report": () => ({ "csp-report": { "effective-directive": "img-src" } }),
  "POST /api/v1/mfa/enrollment/confirm": () => ({ code: "000000" }),
  "POST /api/v1/mfa/challenge": () => ({ code: "000000" }),
  "POST /api/v1/mfa/recovery": () => ({ code: "0000-0000-0000" }),
  "POST /api/v1/me/mfa/reset": () => ({ code: "000000" }),
  "POST /api/v1/me/recovery-codes": () => ({ code: "000000" }),
  "POST /api/v1/gdpr/export": () => ({ visitor }),
  // Erasing the planted visitor would end the walk's evidence: a visitor of its own.
  "POST /api/v1/gdpr/erase": () => ({ visitor: decoyVisitor }),
  "POST /api/v1/chat/canned-responses": () => ({ team: "*", title: "walk", body: "walk" }),
  "PUT /api/v1/chat/canned-responses/:id": () => ({ title: "walk", body: "walk" }),
  "POST /api/v1/keys/rotate": () => ({}),
  "POST /api/v1/webhooks/deliveries/:id/retry": () => ({}),
};
/** Query strings that make a route return data rather than bad_request. */
const queries: Record<string, () => string> = {
  "GET /api/v1/transcripts": () => `visitor=${visitor}`,
  "GET /api/v1/chat/stats": () => "site=demo",
  "GET /api/v1/chat/queue": () => "site=demo",
  "GET /api/v1/visitors": () => "site=demo",
  "GET /api/v1/chat/active": () => "site=demo",
  "GET /api/v1/chat/closed": () => "site=demo",
  "GET /api/v1/chat/supervision": () => "site=demo",
  "GET /api/v1/audit": () => "limit=500",
  "GET /api/v1/policy/explain": () => "action=chatlog:read",
};
let decoyVisitor: string;

const keyOf = (r: RouteDef<unknown>) => `${r.method} ${r.path}`;
/** Routes that end the caller's session run last, so every other route sees a live session. */
const endsSession = new Set(["POST /auth/logout", "POST /auth/backchannel-logout", "POST /api/v1/me/mfa/reset"]);
const walkOrder = [...allRoutes].sort((a, b) => Number(endsSession.has(keyOf(a))) - Number(endsSession.has(keyOf(b))));

function urlOf(route: RouteDef<unknown>): string {
  const path = route.path
    .replace(":id", conversation)
    .replace(":ref", "0".repeat(32))
    .replace(":room", conversation)
    .replace(":name", "walk")
    .replace("{*page}", "transcripts");
  const query = queries[keyOf(route)]?.();
  return `${server.url}${path}${query ? `?${query}` : ""}`;
}

beforeAll(async () => {
  server = await startIdentityServer();
  const chat = server.services.chat.service;
  for (const login of LOGINS) callers.set(login, (await signInEnrolled(server, login)).agent);
  // A session that signed in at the IdP but has not passed MFA yet.
  const pending = new HttpAgent(server.url);
  await pending.request(await signInAtIdp(pending, server, "auditor", "auditor-demo"));
  callers.set("auditor (before MFA)", pending);
  callers.set("nobody", new HttpAgent(server.url));

  const { id: agentId } = await server.services.storage.db.selectFrom("agent").select("id").where("subject", "=", "demo-agent").executeTakeFirstOrThrow();
  visitor = visitId();
  decoyVisitor = visitId();
  const who = { kind: "visitor" as const, siteId: "demo", visitorId: visitor };
  // An ended conversation (a transcript), an active one, a queued one and an offline form.
  const ended = await chat.startChat(who);
  await chat.accept(agentId, ended.id);
  await chat.send(who, ended.id, clientId(), plant("ended"));
  await chat.send({ kind: "agent", agentId }, ended.id, clientId(), plant("agent reply"));
  await chat.end({ kind: "agent", agentId }, ended.id);
  conversation = ended.id;
  const active = await chat.startChat(who);
  await chat.accept(agentId, active.id);
  await chat.send(who, active.id, clientId(), plant("active"));
  const queued = await chat.startChat(who);
  await chat.send(who, queued.id, clientId(), plant("queued"));
  await chat.submitOfflineForm(who, { name: "Walk", email: "walk@example.test", clientId: clientId(), text: plant("offline") });
}, 120_000);
afterAll(() => server.stop());

describe("message text only with chatlog:read, on every HTTP route", () => {
  it("has a request body sample for every route that takes a body", () => {
    expect(allRoutes.filter((r) => r.body && !bodies[keyOf(r)]).map(keyOf)).toEqual([]);
  });

  it("no route returns planted message text to a caller without chatlog:read", async () => {
    const leaks: string[] = [];
    const readers = new Set<string>();
    for (const [who, caller] of callers) {
      const mayRead = server.services.policy.permissionsOf(rolesOf(who)).includes("chatlog:read");
      for (const route of walkOrder) {
        const sample = bodies[keyOf(route)];
        const res = await caller.request(urlOf(route), {
          method: route.method,
          ...(sample ? { body: JSON.stringify(sample()), contentType: "application/json" } : {}),
        });
        if (!res.body.includes(PLANT)) continue;
        if (mayRead) readers.add(`${who} ${keyOf(route)}`);
        else leaks.push(`${keyOf(route)} answered ${res.status} with message text to ${who}`);
      }
    }
    expect(leaks).toEqual([]);
    // Not vacuous: the auditor does read the planted text through the transcript and the export.
    expect([...readers].sort()).toEqual(["auditor GET /api/v1/transcripts/:id", "auditor POST /api/v1/gdpr/export"]);
  }, 240_000);

  it("the GDPR export is audited as a read of each conversation it returns", async () => {
    const db = server.services.storage.db;
    const auditor = await db.selectFrom("agent").select("id").where("subject", "=", "demo-auditor").executeTakeFirstOrThrow();
    const conversations = await db.selectFrom("chat_conversation").select("id").where("visitor_id", "=", visitor).execute();
    expect(conversations).toHaveLength(4);
    for (const { id } of conversations) {
      const reads = await db.selectFrom("audit_log").select(["actor", "action"]).where("target", "=", `conversation:${id}`).where("action", "=", "chatlog:read").execute();
      expect(reads.map((r) => r.actor)).toContain(`agent:${auditor.id}`);
    }
  });
});

/** The roles the policy gives a demo user (none for callers without an active session). */
function rolesOf(who: string): Role[] {
  const user = demoUsers.find((u) => u.login === who);
  return user ? server.services.policy.rolesForGroups(user.groups) : [];
}
