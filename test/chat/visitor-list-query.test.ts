import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIdentityServer, signInEnrolled } from "../auth/helpers/login.js";
import type { TestServer } from "../helpers/server.js";
import { policyDir, shipped } from "../policy/policy-dir.js";
import { WsClient, openVisitor, type Frame } from "../relay/ws-client.js";
import { agentSocket, chatError, waitFor } from "./live-chat-sockets.js";

// The live visitor list as a query over the real /ws/agent: the console asks for a filtered,
// sorted page and gets that page and its changes, plus counts; it never receives the page views
// of visitors it does not show. A second site, "bank", is served by supervisors only
// (sites.yaml `agentRoles`): an agent asking for its rows is refused, and a refusal (or a query
// ended by the console or by closing the socket) leaves no subscription behind.

const BANK_ORIGIN = "http://127.0.0.1:9";
const BANK_KEY = "bank-site-key-00001";
const sitesYaml = shipped("sites.yaml").replace(
  "sites:\n",
  `sites:\n  bank:\n    name: Test bank\n    siteKey: ${BANK_KEY}\n    origins: [${BANK_ORIGIN}]\n    agentRoles: [supervisor]\n    asvs: [V4.4.2]\n`,
);

type Row = { visitor: string; url: string; chat: string; pagesViewed: number };
const query = (filter: Record<string, unknown>, name = "list") => ({
  kind: "visitors-query",
  query: name,
  filter: { sites: ["demo"], sort: { by: "startedAt", order: "asc" }, offset: 0, limit: 5, ...filter },
});
const rowsOf = (f: Frame) => f.rows as Row[];

describe("live visitor list: a query with a bounded change stream, per-site authorization", () => {
  let server: TestServer;
  const sockets: WsClient[] = [];
  const visitors: { client: WsClient; visit: string }[] = [];

  async function visitor(site: "demo" | "bank", url: string): Promise<{ client: WsClient; visit: string }> {
    const { client, welcome } = site === "demo" ? await openVisitor(server) : await openVisitor(server, { origin: BANK_ORIGIN, siteKey: BANK_KEY, url: `${BANK_ORIGIN}/` });
    sockets.push(client);
    client.send({ kind: "presence", url, title: url, referrer: "" });
    const v = { client, visit: String(welcome.visit) };
    visitors.push(v);
    return v;
  }
  const listeners = (site: string) => server.services.chat.presence.listenerCount(site);

  beforeAll(async () => {
    server = await startIdentityServer({ AIRLOCK_POLICY_DIR: policyDir({ "sites.yaml": sitesYaml }) });
    for (let i = 0; i < 12; i++) {
      const v = await visitor("demo", `http://127.0.0.1:8080/demo/${i % 4 === 0 ? "checkout" : "shop"}/${i}`);
      // Distinct start times, in order: the page's order is then known.
      for (const t0 = Date.now(); !server.services.chat.presence.has("demo", v.visit) || Date.now() === t0; ) await sleep(2);
    }
    await visitor("bank", `${BANK_ORIGIN}/accounts/secret-iban-page`);
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.stop();
  });

  it("an agent filters, sorts and pages; a visible row updates live; other visitors' page views never reach it", async () => {
    const agent = await agentSocket(server, "agent");
    sockets.push(agent);
    // As the console does: the site's queue, then the list's query.
    agent.send({ kind: "watch-site", site: "demo" });
    agent.send(query({ urlContains: "SHOP", sort: { by: "startedAt", order: "desc" }, limit: 3 }));
    const page = await waitFor(agent, (f) => f.kind === "visitors-page", "first page");
    const shown = rowsOf(page).map((r) => r.visitor);
    expect(page).toMatchObject({ query: "list", offset: 0, total: 9, counts: { all: { visitors: 12, chatting: 0, cobrowsing: 0 }, sites: { demo: { visitors: 12 } } } });
    expect(shown).toEqual([visitors[11], visitors[10], visitors[9]].map((v) => v?.visit));
    expect(rowsOf(page).every((r) => r.url.includes("/shop/"))).toBe(true);

    // Visitors off the page browse a lot; then a visible visitor moves on.
    const hidden = visitors[0];
    for (let n = 0; n < 15; n++) hidden?.client.send({ kind: "presence", url: `http://127.0.0.1:8080/demo/checkout/step-${n}`, title: "Step", referrer: "" });
    await expect.poll(() => server.services.chat.presence.list("demo").find((v) => v.visitor === hidden?.visit)?.pagesViewed).toBe(16);
    visitors[10]?.client.send({ kind: "presence", url: "http://127.0.0.1:8080/demo/shop/basket", title: "Basket", referrer: "" });
    const change = await waitFor(agent, (f) => f.kind === "visitors-change" && rowsOf(f).some((r) => r.url.endsWith("/basket")), "the visible row's change");
    expect(rowsOf(change).map((r) => r.visitor)).toEqual([visitors[10]?.visit]);
    expect(rowsOf(change)[0]).toMatchObject({ pagesViewed: 2 });
    // Nothing of the hidden visitor's fifteen page views, nor of the bank's visitor, reached the console.
    const seen = JSON.stringify(agent.frames);
    expect(seen).not.toContain(hidden?.visit);
    expect(seen).not.toContain("step-");
    expect(seen).not.toContain("secret-iban-page");
    // A chat starting off the page moves the counts only.
    visitors[1]?.client.send({ kind: "chat-start" });
    const counted = await waitFor(agent, (f) => f.kind === "visitors-change" && (f.counts as { all: { chatting: number } }).all.chatting === 1, "counts with a chat");
    expect(rowsOf(counted)).toEqual([]);

    // The next page, then ending the query: its subscription is gone.
    const before = listeners("demo");
    agent.send(query({ urlContains: "shop", sort: { by: "startedAt", order: "desc" }, limit: 3, offset: 3 }));
    const second = await waitFor(agent, (f) => f.kind === "visitors-page" && f.offset === 3, "second page");
    expect(rowsOf(second).map((r) => r.visitor)).toEqual([visitors[7], visitors[6], visitors[5]].map((v) => v?.visit));
    expect(listeners("demo")).toBe(before);
    agent.send({ kind: "visitors-stop", query: "list" });
    await expect.poll(() => listeners("demo")).toBe(before - 1);
  });

  it("an agent asking for the bank's rows is refused (forbidden), alone or beside its own site, and nothing stays subscribed", async () => {
    const agent = await agentSocket(server, "agent");
    sockets.push(agent);
    const before = { demo: listeners("demo"), bank: listeners("bank") };
    for (const sites of [["bank"], ["demo", "bank"], ["no-such-site"]]) {
      const since = agent.frames.length;
      agent.send(query({ sites }));
      expect((await chatError(agent, "visitors-query", since)).code, sites.join(",")).toBe("forbidden");
    }
    expect({ demo: listeners("demo"), bank: listeners("bank") }).toEqual(before);
    expect(JSON.stringify(agent.frames)).not.toContain("secret-iban-page");
    // The sites the console offers leave the bank out for this agent.
    const { agent: http } = await signInEnrolled(server, "agent");
    expect((await http.json(`${server.url}/api/v1/chat/sites`)).body.sites).toEqual([{ id: "demo", name: expect.any(String) as string }]);
    // Nor does the HTTP list give the bank's rows away; its own site's list is one page at most.
    for (const site of ["bank", "no-such-site"]) {
      const refused = await http.json(`${server.url}/api/v1/visitors?site=${site}`);
      expect(refused.status, site).toBe(403);
      expect(JSON.stringify(refused.body)).not.toContain("secret-iban-page");
    }
    const own = await http.json(`${server.url}/api/v1/visitors?site=demo`);
    expect(own.body).toMatchObject({ site: "demo", total: 12 });
  });

  it("a supervisor, who serves both sites, sees the bank's rows and counts per site", async () => {
    const supervisor = await agentSocket(server, "supervisor");
    sockets.push(supervisor);
    supervisor.send(query({ sites: ["demo", "bank"], urlContains: "secret-iban" }));
    const page = await waitFor(supervisor, (f) => f.kind === "visitors-page", "page");
    expect(rowsOf(page).map((r) => r.url)).toEqual([`${BANK_ORIGIN}/accounts/secret-iban-page`]);
    expect(page.counts).toMatchObject({ all: { visitors: 13 }, sites: { demo: { visitors: 12 }, bank: { visitors: 1 } } });
    // Closing the console's socket ends its queries.
    const before = listeners("bank");
    supervisor.close();
    await expect.poll(() => listeners("bank")).toBe(before - 1);
  });

  it("malformed or oversized queries get their codes; the cap on queries holds; nothing is subscribed by a refusal", async () => {
    const agent = await agentSocket(server, "agent");
    sockets.push(agent);
    const before = listeners("demo");
    const refusals: [Record<string, unknown>, string][] = [
      [query({ limit: 101 }), "page_too_large"],
      [query({ limit: 1_000_000 }), "page_too_large"],
      [query({ limit: 0 }), "bad_frame"],
      [query({ offset: -1 }), "bad_frame"],
      [query({ offset: 10_001 }), "bad_frame"],
      [query({ sort: { by: "visitorSecret", order: "asc" } }), "bad_frame"],
      [query({ urlContains: "x".repeat(201) }), "value_too_long"],
      [query({ sites: [] }), "bad_frame"],
      [query({ sites: ["../demo"] }), "bad_frame"],
      [query({ extra: true }), "bad_frame"],
      [{ ...query({}), query: "NOT A NAME" }, "bad_frame"],
      // Beyond the chat frame limit (whatever it is: attachments raised it), below the socket's own.
      [query({ urlContains: "y".repeat(100_000) }), "frame_too_large"],
    ];
    for (const [frame, code] of refusals) {
      const since = agent.frames.length;
      agent.send(frame);
      const refusal = await waitFor(agent, (f) => agent.frames.indexOf(f) >= since && f.kind === "chat-error", `refusal ${code}`);
      expect(refusal.code, JSON.stringify(frame).slice(0, 120)).toBe(code);
    }
    expect(listeners("demo")).toBe(before);
    for (const name of ["a", "b", "c", "d"]) agent.send(query({}, name));
    const since = agent.frames.length;
    agent.send(query({}, "e"));
    expect((await chatError(agent, "visitors-query", since)).code).toBe("too_many_queries");
    expect(listeners("demo")).toBe(before + 4);
    // No visitor row slipped out with a refusal.
    expect(agent.frames.filter((f) => f.kind === "chat-error").every((f) => !("rows" in f))).toBe(true);
  });
});
