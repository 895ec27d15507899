import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { describeEachDialect } from "../helpers/dialects.js";
import type { TestServer } from "../helpers/server.js";

// The inbox's Closed folder comes from the server: the ended chats of a site the agent took part
// in, latest first, 25 a page with a cursor to the next. Nobody else's chats, no open chats, no
// message text; a malformed cursor or site is refused by name.

const visit = () => randomUUID().replaceAll("-", "");

describeEachDialect("closed chats of the inbox, from the server", (fx) => {
  let server: TestServer;
  let alex: HttpAgent;
  let vera: HttpAgent;
  let alexId: string;
  let veraId: string;

  const idOf = async (agent: HttpAgent) => String(((await agent.json(`${server.url}/api/v1/me`)).body.agent as { id: string }).id);

  beforeAll(async () => {
    server = await startIdentityServer({ AIRLOCK_DATABASE_URL: await fx.freshUrl() });
    alex = (await signInEnrolled(server, "agent")).agent;
    vera = (await signInEnrolled(server, "viewer")).agent;
    alexId = await idOf(alex);
    veraId = await idOf(vera);
    const db = server.services.storage.db;
    // 27 ended chats of Alex (ended 1…27 minutes after a base time), one of Vera, one still active of Alex, one on another site.
    const base = Date.UTC(2026, 0, 5, 9);
    const chat = async (agent: string, state: "ended" | "active", ended: number | null, site = "demo") => {
      const id = randomUUID();
      await db.insertInto("chat_conversation").values({ id, site_id: site, visitor_id: visit(), state, assigned_agent_id: agent, last_seq: 0, created_at: base, accepted_at: base, ended_at: ended }).execute();
      await db.insertInto("chat_participant").values({ conversation_id: id, agent_id: agent, role: "handler", joined_at: base }).execute();
      return id;
    };
    for (let i = 1; i <= 27; i++) await chat(alexId, "ended", base + i * 60_000);
    await chat(veraId, "ended", base + 30 * 60_000);
    await chat(alexId, "active", null);
    await chat(alexId, "ended", base + 40 * 60_000, "other-site");
  }, 120_000);
  afterAll(async () => server?.stop());

  type Page = { closed: { id: string; visitorName: string; endedAt: number }[]; next: { beforeEnded: number; beforeId: string } | null };

  it("lists the agent's own ended chats of the site, latest first, 25 then the rest", async () => {
    const first = await alex.json(`${server.url}/api/v1/chat/closed?site=demo`);
    expect(first.status).toBe(200);
    const page1 = first.body as unknown as Page;
    expect(page1.closed).toHaveLength(25);
    const ends = page1.closed.map((c) => c.endedAt);
    expect(ends).toEqual([...ends].sort((a, b) => b - a));
    expect(page1.closed[0]?.visitorName).toMatch(/^Visitor \d{4}$/);
    expect(page1.next).not.toBeNull();
    const { beforeEnded, beforeId } = page1.next ?? { beforeEnded: 0, beforeId: "" };
    const second = (await alex.json(`${server.url}/api/v1/chat/closed?site=demo&beforeEnded=${beforeEnded}&beforeId=${beforeId}`)).body as unknown as Page;
    expect(second.closed).toHaveLength(2);
    expect(second.next).toBeNull();
    const all = [...page1.closed, ...second.closed].map((c) => c.id);
    expect(new Set(all).size).toBe(27);
    expect(JSON.stringify(first.body)).not.toContain('"text"');

    const veras = (await vera.json(`${server.url}/api/v1/chat/closed?site=demo`)).body as unknown as Page;
    expect(veras.closed).toHaveLength(1);
    expect(all).not.toContain(veras.closed[0]?.id);
  });

  it("refuses a half cursor, a malformed one and an unknown parameter with bad_request naming it", async () => {
    for (const [query, parameter] of [
      ["site=demo&beforeEnded=5", "beforeId"],
      ["site=demo&beforeEnded=5&beforeId=not-a-uuid", "beforeId"],
      ["site=demo&beforeEnded=yesterday&beforeId=" + randomUUID(), "beforeEnded"],
      ["site=../demo", "site"],
      ["site=demo&limit=5000", "limit"],
    ] as const) {
      const r = await alex.json(`${server.url}/api/v1/chat/closed?${query}`);
      expect(r.status, query).toBe(400);
      expect(JSON.stringify(r.body), query).toContain(parameter);
    }
  });
});
