import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openStorage } from "../../src/storage/db.js";
import { spendTokenId } from "../../src/visitor-identity/used-tokens.js";
import { startIdentityServer, signInEnrolled } from "../auth/helpers/login.js";
import { describeEachDialect } from "../helpers/dialects.js";
import type { TestServer } from "../helpers/server.js";
import { openVisitor, type WsClient } from "../relay/ws-client.js";
import { agentSocket, chatError, waitFor } from "../chat/live-chat-sockets.js";
import { BANK_SITE_KEY, forgeries, identityPolicyDir, siteSigner, signToken, type SiteSigner } from "./token-keys.js";

// Verified visitors over the real /ws/visitor: a site's backend signs a short-lived token naming
// its customer; Airlock shows the customer to agents only after checking signature, algorithm,
// key, audience, lifetime and single use. Every forgery is refused with its code, audited with
// its reason, and leaves the visit unverified and no spent token behind.

const BANK_ORIGIN = "https://bank.example";
const now = () => Math.floor(Date.now() / 1000);

describeEachDialect("visitor identity tokens", (fx) => {
  let server: TestServer;
  let a: SiteSigner;
  let b: SiteSigner;
  let databaseUrl: string;
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    [a, b] = await Promise.all([siteSigner("site-a"), siteSigner("site-b")]);
    databaseUrl = await fx.freshUrl();
    server = await startIdentityServer({ AIRLOCK_DATABASE_URL: databaseUrl, AIRLOCK_POLICY_DIR: identityPolicyDir(a, b, BANK_ORIGIN), AIRLOCK_VISITS_PER_CLIENT_PER_MINUTE: "100" });
  }, 120_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.stop();
  });

  async function visit(options: { origin?: string; siteKey?: string } = {}): Promise<{ client: WsClient; visit: string; site: string }> {
    const origin = options.origin ?? "http://127.0.0.1:8080";
    const { client, welcome } = await openVisitor(server, { origin, ...(options.siteKey ? { siteKey: options.siteKey } : {}), url: `${origin}/account` });
    sockets.push(client);
    client.send({ kind: "presence", url: `${origin}/account`, title: "My account", referrer: "" });
    const site = origin === BANK_ORIGIN ? "bank" : "demo";
    await expect.poll(() => server.services.chat.presence.list(site).some((v) => v.visitor === String(welcome.visit))).toBe(true);
    return { client, visit: String(welcome.visit), site };
  }

  const verifiedOf = (site: string, visitor: string) => server.services.chat.presence.list(site).find((v) => v.visitor === visitor)?.verified;
  const spentTokens = async () => Number((await server.services.storage.db.selectFrom("visitor_identity_token").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  const auditRules = async (visitor: string) =>
    (await server.services.storage.db.selectFrom("audit_log").select(["decision", "rule"]).where("action", "=", "visitor.identify").where("target", "=", `visit:${visitor}`).orderBy("seq").execute()).map((r) => `${r.decision}:${r.rule ?? ""}`);

  async function identify(client: WsClient, token: string): Promise<string> {
    const since = client.frames.length;
    client.send({ kind: "identify", token });
    const answer = await waitFor(client, (f) => client.frames.indexOf(f) >= since && (f.kind === "chat-identity" || (f.kind === "chat-error" && f.ref === "identify")), "identify answer");
    return answer.kind === "chat-identity" ? "verified" : String(answer.code);
  }

  it("shows the customer of a valid token to agents watching the visit, with the policy's attributes", async () => {
    const agent = await agentSocket(server, "agent");
    sockets.push(agent);
    const v = await visit();
    agent.send({ kind: "visitors-query", query: "context", filter: { sites: ["demo"], visitor: v.visit, sort: { by: "startedAt", order: "asc" }, offset: 0, limit: 1 } });
    await waitFor(agent, (f) => f.kind === "visitors-page", "the visit's row");
    expect(await identify(v.client, await signToken(a, now()))).toBe("verified");
    const changed = await waitFor(agent, (f) => (f.kind === "visitors-page" || f.kind === "visitors-change") && JSON.stringify(f.rows).includes('"verified"'), "the row verified");
    const row = (changed.rows as { visitor: string; verified?: unknown }[]).find((e) => e.visitor === v.visit);
    expect(row?.verified).toEqual({ customerId: "4711", name: "Dana Demo", attributes: { tier: "Gold" } });
    expect(await auditRules(v.visit)).toEqual(["success:"]);
  });

  it("refuses every forgery with its code, audits the reason, and leaves the visit unverified with no token spent", async () => {
    const v = await visit();
    const spentBefore = await spentTokens();
    const t = now();
    const forged = await forgeries(a, t);
    const cases: [string, string, string][] = [
      ["alg none", forged.none, "identity_invalid"],
      ["HS256 keyed with the public key", forged.hs256WithPublicKey, "identity_invalid"],
      ["signed by another site's key", await signToken(b, t), "identity_invalid"],
      ["another site's key under this site's kid", await signToken({ ...b, kid: "site-a" }, t), "identity_invalid"],
      ["made for another site (aud)", await signToken(a, t, { audience: BANK_SITE_KEY }), "identity_invalid"],
      ["expired", await signToken(a, t - 600, { lifetime: 60 }), "identity_expired"],
      ["issued in the future", await signToken(a, t + 300), "identity_expired"],
      ["living longer than the policy allows", await signToken(a, t, { lifetime: 3600 }), "identity_expired"],
      ["an attribute the policy does not list", await signToken(a, t, { claims: { email: "dana@example.com" } }), "identity_invalid"],
      ["a customer id that is not an identifier", await signToken(a, t, { claims: { sub: "4711 <b>" } }), "identity_invalid"],
      ["oversized", await signToken(a, t, { claims: { tier: "G".repeat(4_200) } }), "identity_invalid"],
      ["not a JWT", "hello.world", "identity_invalid"],
    ];
    for (const [why, token, code] of cases) expect(await identify(v.client, token), why).toBe(code);
    const since = v.client.frames.length;
    v.client.send({ kind: "identify", token: "x".repeat(9_000) });
    expect((await chatError(v.client, "identify", since)).code).toBe("value_too_long");
    expect(verifiedOf(v.site, v.visit)).toBeUndefined();
    expect(await spentTokens()).toBe(spentBefore);
    expect(await auditRules(v.visit)).toEqual(
      ["algorithm", "algorithm", "no_key", "signature", "audience", "expired", "not_yet_valid", "lifetime", "unknown_claim", "claims", "too_large", "malformed"].map((r) => `failure:${r}`),
    );
  });

  it("accepts a jti once: a replay, on this or another visit, is refused and changes nothing", async () => {
    const first = await visit();
    const second = await visit();
    const token = await signToken(a, now());
    expect(await identify(first.client, token)).toBe("verified");
    expect(await identify(first.client, token)).toBe("identity_replayed");
    expect(await identify(second.client, token)).toBe("identity_replayed");
    expect(verifiedOf(second.site, second.visit)).toBeUndefined();
    expect(await auditRules(second.visit)).toEqual(["failure:replayed"]);
  });

  it("spends a jti once when two server processes race for it (the database decides)", async () => {
    // A second connection pool to the same database stands for another server process.
    const other = openStorage(databaseUrl);
    try {
      const at = Date.now();
      const jti = randomUUID();
      const racing = await Promise.all([other, server.services.storage, other, server.services.storage].map((s) => spendTokenId(s.db, "demo", jti, at + 60_000, at)));
      expect(racing.filter(Boolean)).toHaveLength(1);
      // Per site: the same jti from another site's backend is its own token.
      expect(await spendTokenId(other.db, "bank", jti, at + 60_000, at)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it("keeps the first customer of a visit: a token for another customer is refused (conflict)", async () => {
    const v = await visit();
    expect(await identify(v.client, await signToken(a, now()))).toBe("verified");
    expect(await identify(v.client, await signToken(a, now(), { claims: { sub: "9999", name: "Eve Other" } }))).toBe("conflict");
    expect(verifiedOf(v.site, v.visit)).toMatchObject({ customerId: "4711", name: "Dana Demo" });
  });

  it("lets no page claim verification itself: a presence report carrying `verified` is refused", async () => {
    const v = await visit();
    const since = v.client.frames.length;
    v.client.send({ kind: "presence", url: "http://127.0.0.1:8080/account", title: "x", referrer: "", verified: { customerId: "4711", name: "Dana Demo", attributes: {} } });
    expect((await chatError(v.client, "presence", since)).code).toBe("bad_frame");
    expect(verifiedOf(v.site, v.visit)).toBeUndefined();
  });

  it("verifies per site: the bank's token on the bank's site, never on the demo site", async () => {
    const bank = await visit({ origin: BANK_ORIGIN, siteKey: BANK_SITE_KEY });
    expect(await identify(bank.client, await signToken(b, now(), { audience: BANK_SITE_KEY, claims: { tier: undefined } }))).toBe("verified");
    expect(verifiedOf("bank", bank.visit)).toEqual({ customerId: "4711", name: "Dana Demo", attributes: {} });
  });

  it("finds a verified customer's conversations for GDPR export and erasure by customer id", async () => {
    const v = await visit();
    expect(await identify(v.client, await signToken(a, now(), { claims: { sub: "cust-77", name: "Gina Gdpr" } }))).toBe("verified");
    v.client.send({ kind: "chat-start" });
    const started = await waitFor(v.client, (f) => f.kind === "chat-conversation" && f.change === "started", "chat started");
    v.client.send({ kind: "chat-send", conversation: String(started.conversation), clientId: "gdpr-msg-1", text: "Where is my order?" });
    await waitFor(v.client, (f) => f.kind === "chat-ack" && f.clientId === "gdpr-msg-1", "ack");
    const { agent: auditor } = await signInEnrolled(server, "auditor");
    const exported = await auditor.json(`${server.url}/api/v1/gdpr/export`, "POST", { site: "demo", customer: "cust-77" });
    expect(exported.status).toBe(200);
    const conversations = exported.body.conversations as { id: string; messages: { text: string }[] }[];
    expect(conversations.map((c) => c.id)).toEqual([started.conversation]);
    expect(conversations[0]?.messages.map((m) => m.text)).toContain("Where is my order?");
    expect((await auditor.json(`${server.url}/api/v1/gdpr/export`, "POST", { site: "demo", customer: "cust 77" })).status).toBe(400);
    const { agent: admin } = await signInEnrolled(server, "admin");
    const erased = await admin.json(`${server.url}/api/v1/gdpr/erase`, "POST", { site: "demo", customer: "cust-77" });
    expect(erased.body).toMatchObject({ conversations: 1 });
    const again = await auditor.json(`${server.url}/api/v1/gdpr/export`, "POST", { site: "demo", customer: "cust-77" });
    expect(again.body.conversations).toEqual([]);
  });
});
