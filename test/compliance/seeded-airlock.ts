import { storeAvailability } from "../../src/chat/availability-store.js";
import { createCannedResponse } from "../../src/chat/canned-responses.js";
import { linkCobrowseSession } from "../../src/chat/cobrowse-timeline.js";
import { insertFile } from "../../src/chat/files/file-store.js";
import { rateConversation } from "../../src/chat/ratings.js";
import type { StartOptions } from "../../src/server/server.js";
import { scimClientFor } from "../scim/scim-client.js";
import { spendTokenId } from "../../src/visitor-identity/used-tokens.js";
import { claimDue, enqueueDeliveries, finishAttempt } from "../../src/webhooks/outbox.js";
import { payloadOf } from "../../src/webhooks/payload.js";
import { passMfa, signInAtIdp, startIdentityServer } from "../auth/helpers/login.js";
import { HttpAgent } from "../auth/helpers/http-agent.js";
import { clientId, visitId } from "../chat/chat-fixture.js";
import type { DialectFixture } from "../helpers/dialects.js";
import type { TestServer } from "../helpers/server.js";

// A real Airlock on fresh databases of one dialect, driven through its own flows (sign-in with
// TOTP enrollment, a sign-in left half-way, a WebSocket ticket, chats, an offline form, a canned
// response) so that every table holds rows, with the values the test knows in clear. The data-map
// tests check the stored bytes against what the map says of each column.

export const PLANTED_CHAT = "planted chat text 4d1f IBAN DE89370400440532013000";
export const PLANTED_OFFLINE = "planted offline form 4d1f";
/** A long message next to the short ones: a column carrying message content varies in length by about this much. */
export const PLANTED_LONG_CHAT = `planted long message ${"lorem ipsum ".repeat(150)}`;

export const PLANTED_FILE_NAME = "planted-statement-4d1f.txt";
export const PLANTED_FILE_TEXT = "planted attachment content 4d1f account 0532013000";
export const PLANTED_RATING_COMMENT = "planted rating comment 4d1f";

export interface SeededAirlock {
  readonly server: TestServer;
  /** Secret or content values in clear -> what they are. */
  readonly planted: Map<string, string>;
  /** Binary secrets (a conversation's data key), looked for as raw bytes. */
  readonly plantedBytes: Map<Buffer, string>;
  /** Values that identify a person (the agent's IdP subject, a visitor id) -> what they are. */
  readonly identifying: Map<string, string>;
}

export async function startSeededAirlock(fx: DialectFixture, options: Omit<StartOptions, "log"> = {}): Promise<SeededAirlock> {
  const planted = new Map<string, string>();
  const plantedBytes = new Map<Buffer, string>();
  const identifying = new Map<string, string>();
  const plant = (what: string, value: string | undefined) => {
    if (value && value.length >= 6) planted.set(value, what);
  };
  const server = await startIdentityServer({ AIRLOCK_DATABASE_URL: await fx.freshUrl(), AIRLOCK_KEY_VAULT_URL: await fx.freshUrl() }, options);
  const agent = new HttpAgent(server.url);
  const callback = await signInAtIdp(agent, server, "agent", "agent-demo");
  plant("authorization code", new URL(callback).searchParams.get("code") ?? undefined);
  await agent.request(callback);
  const mfa = await passMfa(agent, server, "agent");
  plant("TOTP secret", mfa.secret);
  for (const code of mfa.recoveryCodes) plant("recovery code", code);
  for (const [name, value] of agent.cookies) plant(`cookie ${name}`, value);
  const ticket = await agent.json(`${server.url}/api/v1/ws-ticket`, "POST");
  for (const value of Object.values(ticket.body)) if (typeof value === "string") plant("WebSocket ticket", value);

  // A sign-in left half-way: its login transaction stays stored.
  const pending = new HttpAgent(server.url);
  const start = await pending.request(`${server.url}/auth/login`);
  const authorize = new URL(start.location ?? "");
  plant("OIDC state", authorize.searchParams.get("state") ?? undefined);
  plant("OIDC nonce", authorize.searchParams.get("nonce") ?? undefined);
  for (const [name, value] of pending.cookies) plant(`cookie ${name}`, value);

  const db = server.services.storage.db;
  const { id: agentId } = await db.selectFrom("agent").select("id").where("subject", "=", "demo-agent").executeTakeFirstOrThrow();
  identifying.set("demo-agent", "the agent's IdP subject");
  const chat = server.services.chat.service;
  const visitor = { kind: "visitor" as const, siteId: "demo", visitorId: visitId() };
  identifying.set(visitor.visitorId, "a visitor id");
  const c = await chat.startChat(visitor);
  await chat.accept(agentId, c.id);
  await chat.send(visitor, c.id, clientId(), PLANTED_CHAT);
  await chat.send({ kind: "agent", agentId }, c.id, clientId(), `reply to ${PLANTED_CHAT}`);
  await chat.send(visitor, c.id, clientId(), PLANTED_LONG_CHAT);
  await chat.submitOfflineForm({ siteId: "demo", visitorId: visitId() }, { name: "Planted Name", email: "planted@example.test", clientId: clientId(), text: PLANTED_OFFLINE });
  // An attachment (stored as the transfer stores it after a clean scan) and a rating of an ended chat.
  await chat.transaction((trx) => insertFile(trx, server.services.chat.keys, { conversationId: c.id, sender: "visitor", senderId: null, name: PLANTED_FILE_NAME, type: "text/plain", bytes: Buffer.from(PLANTED_FILE_TEXT), state: "clean" }, Date.now()));
  const rated = await chat.startChat({ siteId: "demo", visitorId: visitor.visitorId });
  await chat.accept(agentId, rated.id);
  await chat.end(visitor, rated.id);
  await rateConversation(chat, visitor, rated.id, { score: 4, comment: PLANTED_RATING_COMMENT }, Date.now());
  // The agent's away choice, and a co-browse session the open chat's visit started (ids only).
  await storeAvailability(db, agentId, "away", Date.now());
  await linkCobrowseSession(db, { session: `planted-session-${clientId()}`, site: "demo", visit: visitor.visitorId }, Date.now());
  await createCannedResponse(db, { team: "*", title: "Planted title", body: "Planted canned body" }, agentId, Date.now());
  const dataKey = Buffer.from(await server.services.chat.keys.keyFor(c.id));
  plantedBytes.set(dataKey, "conversation data key");
  for (const encoding of ["base64", "base64url", "hex"] as const) plant(`conversation data key (${encoding})`, dataKey.toString(encoding));
  // A visitor identity token spent (what the identify flow stores): only its jti's hash may be kept.
  const jti = `planted-jti-${clientId()}`;
  await spendTokenId(db, "demo", jti, Date.now() + 60_000, Date.now());
  plant("identity token jti", jti);
  // SCIM provisioning as an IdP drives it: the agent provisioned and in a group (its roles unchanged),
  // and a user deleted again (its tombstone). The bearer token must never be stored.
  const scim = await scimClientFor(server, "entra");
  plant("SCIM bearer token", scim.token);
  const scimUser = await scim.call("POST", "/Users", { userName: "agent@airlock.test", externalId: "planted-scim-external", name: { givenName: "Alex", familyName: "Agent" }, displayName: "Alex Agent", emails: [{ value: "agent@airlock.test", type: "work" }] });
  await scim.call("POST", "/Groups", { displayName: "airlock-agents", externalId: "planted-group", members: [{ value: String(scimUser.body.id) }] });
  const leaver = await scim.call("POST", "/Users", { userName: "planted.leaver@example.test", displayName: "Planted Leaver" });
  await scim.call("DELETE", `/Users/${String(leaver.body.id)}`);
  identifying.set("planted-scim-external", "the IdP's externalId of an agent");
  // A webhook delivery of the rated chat's end, dead-lettered after one attempt (outbox row and its log row; metadata only).
  const ended = { kind: "conversation" as const, change: "ended" as const, conversationId: rated.id, siteId: "demo", team: null, agentId, startedAt: rated.createdAt, endedAt: Date.now(), at: Date.now() };
  await enqueueDeliveries(db, [{ subscriptionId: "crm", eventType: "conversation.ended", payload: JSON.stringify(payloadOf(ended)) }], Date.now());
  const [delivery] = await claimDue(db, "seed-worker", Date.now(), 60_000, 1);
  if (delivery) await finishAttempt(db, "seed-worker", delivery, { attempt: 1, at: Date.now(), durationMs: 12, statusCode: 500, outcome: "http_500" }, { state: "dead", retryAt: Date.now() }, Date.now());
  plant("chat message", PLANTED_CHAT);
  plant("offline form", PLANTED_OFFLINE);
  plant("attachment name", PLANTED_FILE_NAME);
  plant("attachment content", PLANTED_FILE_TEXT);
  plant("rating comment", PLANTED_RATING_COMMENT);
  return { server, planted, plantedBytes, identifying };
}
