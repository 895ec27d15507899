import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { visitorPseudonym } from "../../src/presence/pseudonym.js";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import type { TestServer } from "../helpers/server.js";
import type { WsClient } from "../relay/ws-client.js";
import { agentSocket, chatError, visitorSocket, waitFor } from "./live-chat-sockets.js";

// One visit, one name: the live visitor list, the chat's conversation frames and the co-browse
// session list all call a visit by the same pseudonym, made on the server from the visit id.
// The page report's browser facts are bounded: an over-long value is refused and changes nothing.

describe("one pseudonym per visit across presence, chat and co-browse; bounded browser facts", () => {
  let server: TestServer;
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    server = await startIdentityServer({});
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.stop();
  });

  it("the presence list, the queued conversation and the co-browse sessions name the visit alike", async () => {
    const agent = await agentSocket(server, "agent");
    const { client: visitor, visit } = await visitorSocket(server);
    sockets.push(agent, visitor);
    const name = visitorPseudonym(visit);
    agent.send({ kind: "watch-site", site: "demo" });
    agent.send({ kind: "visitors-query", query: "context", filter: { sites: ["demo"], visitor: visit, sort: { by: "startedAt", order: "asc" }, offset: 0, limit: 1 } });
    visitor.send({ kind: "presence", url: "https://shop.example/cart", title: "Cart", referrer: "", language: "en-GB", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36" });
    const listed = await waitFor(agent, (f) => f.kind === "visitors-page" && Array.isArray(f.rows) && f.rows.length > 0, "the visitor's row");
    expect((listed.rows as { name: string; visitor: string; language?: string; browser?: string; device?: string }[])[0]).toMatchObject({ visitor: visit, name, language: "en-GB", browser: "Chrome", device: "Desktop" });

    visitor.send({ kind: "chat-start" });
    const queued = await waitFor(agent, (f) => f.kind === "chat-conversation" && f.change === "queued", "queued conversation");
    expect(queued).toMatchObject({ visitor: visit, visitorName: name });
    // the visitor never hears its own pseudonym or any agent-side detail
    const started = await waitFor(visitor, (f) => f.kind === "chat-conversation" && f.change === "started", "started");
    expect(started.visitorName).toBeUndefined();

    const { agent: http } = await signInEnrolled(server, "agent");
    const hop = await http.request(`${server.url}/api/v1/cobrowse/sessions`);
    const { sessions } = JSON.parse(hop.body) as { sessions: { visitorName: string }[] };
    expect(sessions.map((s) => s.visitorName)).toContain(name);
    expect(name).not.toContain(visit.slice(0, 6));
  });

  it("an over-long language or user agent is refused (value_too_long) and leaves the listed facts as they were", async () => {
    const agent = await agentSocket(server, "agent");
    const { client: visitor, visit } = await visitorSocket(server);
    sockets.push(agent, visitor);
    visitor.send({ kind: "presence", url: "https://shop.example/", title: "Home", referrer: "", language: "fr" });
    await expect.poll(() => server.services.chat.presence.list("demo").find((v) => v.visitor === visit)?.language).toBe("fr");
    for (const extra of [{ language: "x".repeat(36) }, { userAgent: "y".repeat(513) }]) {
      const since = visitor.frames.length;
      visitor.send({ kind: "presence", url: "https://shop.example/other", title: "Other", referrer: "", ...extra });
      expect((await chatError(visitor, "presence", since)).code).toBe("value_too_long");
    }
    const entry = server.services.chat.presence.list("demo").find((v) => v.visitor === visit);
    expect(entry).toMatchObject({ url: "https://shop.example/", language: "fr", pagesViewed: 1 });
    expect(entry?.browser).toBeUndefined();
  });
});
