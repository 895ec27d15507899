import { afterAll, beforeAll, expect, it } from "vitest";
import { startIdentityServer } from "../auth/helpers/login.js";
import { describeEachDialect } from "../helpers/dialects.js";
import type { TestServer } from "../helpers/server.js";
import type { WsClient } from "../relay/ws-client.js";
import { agentSocket, chatError, visitorSocket, waitFor } from "./live-chat-sockets.js";

// Online / away is kept on the server, per agent: a console that connects later (a reload, a
// second tab, another browser) learns the stored choice instead of sending its own, and the
// visitors' offline form and routing follow the stored choice from the first frame on.

describeEachDialect("agent availability is stored on the server", (fx) => {
  let server: TestServer;
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    server = await startIdentityServer({ AIRLOCK_DATABASE_URL: await fx.freshUrl() });
  }, 120_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.stop();
  });

  const stored = (agentId: string) => server.services.storage.db.selectFrom("agent_availability").select("status").where("agent_id", "=", agentId).executeTakeFirst();

  it("away set in one console is what a later console of the same agent is told; a visitor meanwhile gets the offline form", async () => {
    const first = await agentSocket(server, "agent");
    sockets.push(first);
    first.send({ kind: "watch-availability" });
    // Never chosen: online.
    expect((await waitFor(first, (f) => f.kind === "agent-availability", "first answer")).status).toBe("online");
    first.send({ kind: "set-availability", status: "away" });
    await waitFor(first, (f) => f.kind === "agent-availability" && f.status === "away", "away confirmed");
    await expect.poll(() => stored(first.agentId)).toEqual({ status: "away" });
    first.close();

    // A new console (another tab or browser): told "away", and not counted for the site.
    const second = await agentSocket(server, "agent");
    sockets.push(second);
    expect(second.agentId).toBe(first.agentId);
    second.send({ kind: "watch-availability" });
    expect((await waitFor(second, (f) => f.kind === "agent-availability", "second answer")).status).toBe("away");
    const { client: visitor } = await visitorSocket(server);
    sockets.push(visitor);
    visitor.send({ kind: "presence", url: "http://127.0.0.1:8080/demo", title: "Demo", referrer: "" });
    expect((await waitFor(visitor, (f) => f.kind === "chat-availability", "visitor availability")).available).toBe(false);

    // An away agent takes no chat, even on a console that never said "away" itself.
    visitor.send({ kind: "chat-start" });
    const started = await waitFor(visitor, (f) => f.kind === "chat-conversation" && f.change === "started", "started");
    const since = second.frames.length;
    second.send({ kind: "chat-accept", conversation: String(started.conversation) });
    expect((await chatError(second, "chat-accept", since)).code).toBe("agent_away");

    second.send({ kind: "set-availability", status: "online" });
    await waitFor(visitor, (f) => f.kind === "chat-availability" && f.available === true, "an agent is available again");
    await expect.poll(() => stored(second.agentId)).toEqual({ status: "online" });
  });

  it("the stored choice is read from the database (as another server process would find it), not only from this process's memory", async () => {
    const probe = await agentSocket(server, "viewer");
    probe.close();
    await server.services.storage.db.insertInto("agent_availability").values({ agent_id: probe.agentId, status: "away", updated_at: Date.now() }).execute();
    const later = await agentSocket(server, "viewer");
    sockets.push(later);
    later.send({ kind: "watch-availability" });
    expect((await waitFor(later, (f) => f.kind === "agent-availability", "answer")).status).toBe("away");
  });

  it("a status the protocol does not know is refused and stores nothing", async () => {
    const agent = await agentSocket(server, "supervisor");
    sockets.push(agent);
    const since = agent.frames.length;
    agent.send({ kind: "set-availability", status: "busy" });
    expect((await chatError(agent, "set-availability", since)).code).toBe("bad_frame");
    const since2 = agent.frames.length;
    agent.send({ kind: "watch-availability", status: "away" });
    expect((await chatError(agent, "watch-availability", since2)).code).toBe("bad_frame");
    expect(await stored(agent.agentId)).toBeUndefined();
  });
});
