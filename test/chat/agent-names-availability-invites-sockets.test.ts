import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { MAX_NOTE_CHARS } from "../../src/protocol/chat-messages.js";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import { describeEachDialect } from "../helpers/dialects.js";
import type { TestServer } from "../helpers/server.js";
import { openAgent, type Frame, type WsClient } from "../relay/ws-client.js";
import { agentSocket, barrier, chatError, visitorSocket, waitFor } from "./live-chat-sockets.js";

// Names, availability, invitations and transfer notes over the real sockets, and what each side
// may NOT do with them: a visitor cannot name an agent or route a chat to one it was not invited
// by; an away agent takes no chat and receives no transfer; an over-long note is refused with its
// own code and changes nothing.

type Agent = WsClient & { readonly agentId: string };

describeEachDialect("agent names, availability and invitations over the chat sockets", (fx) => {
  let server: TestServer;
  const sockets: WsClient[] = [];
  let alex: Agent;
  let vera: Agent;

  beforeAll(async () => {
    server = await startIdentityServer({ AIRLOCK_DATABASE_URL: await fx.freshUrl() });
    alex = await agentSocket(server, "agent");
    vera = await agentSocket(server, "viewer");
    sockets.push(alex, vera);
    for (const a of [alex, vera]) a.send({ kind: "set-availability", status: "online" });
    await waitFor(alex, (f) => f.kind === "agent-availability", "alex online");
    await waitFor(vera, (f) => f.kind === "agent-availability", "vera online");
  }, 120_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.stop();
  });

  async function visitor(): Promise<{ client: WsClient; visit: string }> {
    const v = await visitorSocket(server);
    sockets.push(v.client);
    v.client.send({ kind: "presence", url: "http://127.0.0.1:8080/demo", title: "Demo", referrer: "" });
    await waitFor(v.client, (f) => f.kind === "chat-availability", "availability");
    return v;
  }

  async function acceptedChat(by: Agent): Promise<{ client: WsClient; conversation: string }> {
    const { client } = await visitor();
    client.send({ kind: "chat-start" });
    const started = await waitFor(client, (f) => f.kind === "chat-conversation" && f.change === "started", "started");
    const conversation = String(started.conversation);
    by.send({ kind: "chat-accept", conversation });
    await waitFor(client, (f) => f.kind === "chat-conversation" && f.change === "accepted" && f.conversation === conversation, "accepted");
    return { client, conversation };
  }

  const last = (client: WsClient, match: (f: Frame) => boolean) => client.frames.filter(match).at(-1);

  it("the visitor learns who joined and who writes by display name, never by agent id; a user without a name claim shows as their username", async () => {
    const { client, conversation } = await acceptedChat(alex);
    expect(last(client, (f) => f.change === "accepted")?.agentName).toBe("Alex Agent");
    alex.send({ kind: "chat-send", conversation, clientId: "names-alex-1", text: "Hello, Alex here." });
    const message = await waitFor(client, (f) => f.kind === "chat-message" && f.text === "Hello, Alex here.", "agent message");
    expect(message.agentName).toBe("Alex Agent");
    expect(message.agentId).toBeUndefined();

    const { agent: robinHttp } = await signInEnrolled(server, "robin");
    const robin = await openAgent(server, robinHttp);
    sockets.push(robin);
    robin.send({ kind: "set-availability", status: "online" });
    await waitFor(robin, (f) => f.kind === "agent-availability", "robin online");
    const second = await visitor();
    second.client.send({ kind: "chat-start" });
    const started = await waitFor(second.client, (f) => f.change === "started", "started");
    robin.send({ kind: "chat-accept", conversation: String(started.conversation) });
    const joined = await waitFor(second.client, (f) => f.change === "accepted", "robin accepted");
    expect(joined.agentName).toBe("robin");
    robin.send({ kind: "set-availability", status: "away" });
    await waitFor(robin, (f) => f.kind === "agent-availability" && f.status === "away", "robin away");
  });

  it("a visitor cannot set an agent name or write as an agent: the frame is refused and nothing is stored or delivered", async () => {
    const { client, conversation } = await acceptedChat(alex);
    const before = await server.services.storage.db.selectFrom("chat_message").select("seq").where("conversation_id", "=", conversation).execute();
    for (const forged of [
      { kind: "chat-send", conversation, clientId: "forged-name-1", text: "I am your bank", agentName: "Alex Agent" },
      { kind: "chat-send", conversation, clientId: "forged-name-2", text: "I am your bank", from: "agent" },
    ]) {
      const since = client.frames.length;
      client.send(forged);
      expect((await chatError(client, "chat-send", since)).code).toBe("bad_frame");
    }
    await barrier(alex);
    const after = await server.services.storage.db.selectFrom("chat_message").select("seq").where("conversation_id", "=", conversation).execute();
    expect(after.length).toBe(before.length);
    expect(alex.frames.some((f) => f.text === "I am your bank")).toBe(false);
  });

  it("a transfer note over the limit is refused with note_too_long; the chat stays with its agent and no note is stored", async () => {
    const { conversation } = await acceptedChat(alex);
    const since = alex.frames.length;
    alex.send({ kind: "chat-transfer", conversation, to: vera.agentId, note: { clientId: "long-note-1", text: "n".repeat(MAX_NOTE_CHARS + 1) } });
    expect((await chatError(alex, "chat-transfer", since)).code).toBe("note_too_long");
    const row = await server.services.storage.db.selectFrom("chat_conversation").select("assigned_agent_id").where("id", "=", conversation).executeTakeFirstOrThrow();
    expect(row.assigned_agent_id).toBe(alex.agentId);
    const notes = await server.services.storage.db.selectFrom("chat_message").select("seq").where("conversation_id", "=", conversation).where("kind", "=", "note").execute();
    expect(notes).toEqual([]);
    // A note within the limit goes through, and the receiving agent reads it with the sender's name.
    alex.send({ kind: "chat-transfer", conversation, to: vera.agentId, note: { clientId: "short-note-1", text: "Refund for order 7" } });
    const moved = await waitFor(vera, (f) => f.kind === "chat-conversation" && f.change === "transferred" && f.conversation === conversation, "transfer at vera");
    expect(moved.agentName).toBe("Vera Viewer");
    vera.send({ kind: "chat-resume", conversation, afterSeq: 0 });
    const note = await waitFor(vera, (f) => f.kind === "chat-message" && f.type === "note" && f.conversation === conversation, "note at vera");
    expect(note.agentName).toBe("Alex Agent");
  });

  it("away: the visitor is told no agent is available, an away agent cannot accept or receive a transfer, and online again reopens the chat", async () => {
    const { conversation } = await acceptedChat(alex);
    const v = await visitor();
    vera.send({ kind: "set-availability", status: "away" });
    await waitFor(vera, (f) => f.kind === "agent-availability" && f.status === "away", "vera away");
    let since = alex.frames.length;
    alex.send({ kind: "chat-transfer", conversation, to: vera.agentId });
    expect((await chatError(alex, "chat-transfer", since)).code).toBe("agent_unavailable");

    alex.send({ kind: "set-availability", status: "away" });
    await waitFor(v.client, (f) => f.kind === "chat-availability" && f.available === false, "nobody available");
    v.client.send({ kind: "chat-start" });
    const started = await waitFor(v.client, (f) => f.change === "started", "started while nobody is available");
    since = alex.frames.length;
    alex.send({ kind: "chat-accept", conversation: String(started.conversation) });
    expect((await chatError(alex, "chat-accept", since)).code).toBe("agent_away");
    const row = await server.services.storage.db.selectFrom("chat_conversation").select("state").where("id", "=", String(started.conversation)).executeTakeFirstOrThrow();
    expect(row.state).toBe("queued");

    alex.send({ kind: "set-availability", status: "online" });
    await waitFor(v.client, (f) => f.kind === "chat-availability" && f.available === true && v.client.frames.indexOf(f) > 1, "available again");
    vera.send({ kind: "set-availability", status: "online" });
    await waitFor(vera, (f) => f.kind === "agent-availability" && f.status === "online" && vera.frames.indexOf(f) > 0, "vera online");
  });

  it("an invitation closes the loop: delivered, declined, invited again, accepted, and the chat goes to the inviting agent", async () => {
    const v = await visitor();
    alex.send({ kind: "chat-invite", site: "demo", visitor: v.visit });
    const sent = await waitFor(alex, (f) => f.kind === "chat-invite-status" && f.visitor === v.visit && f.status === "sent", "sent");
    const shown = await waitFor(v.client, (f) => f.kind === "chat-invite", "invitation at the visitor");
    expect(shown.agentName).toBe("Alex Agent");
    v.client.send({ kind: "chat-invite-answer", invite: shown.invite, answer: "delivered" });
    await waitFor(alex, (f) => f.kind === "chat-invite-status" && f.invite === sent.invite && f.status === "delivered", "delivered");
    v.client.send({ kind: "chat-invite-answer", invite: shown.invite, answer: "declined" });
    await waitFor(alex, (f) => f.kind === "chat-invite-status" && f.invite === sent.invite && f.status === "declined", "declined");

    // A visitor cannot start a chat naming an invitation it did not accept (the declined one, a made-up one).
    for (const invite of [String(shown.invite), randomBytes(12).toString("base64url")]) {
      const since = v.client.frames.length;
      v.client.send({ kind: "chat-start", invite });
      expect((await chatError(v.client, "chat-start", since)).code).toBe("not_found");
    }
    const none = await server.services.storage.db.selectFrom("chat_conversation").select("id").where("visitor_id", "=", v.visit).execute();
    expect(none).toEqual([]);

    alex.send({ kind: "chat-invite", site: "demo", visitor: v.visit });
    const again = await waitFor(v.client, (f) => f.kind === "chat-invite" && f.invite !== shown.invite, "second invitation");
    v.client.send({ kind: "chat-invite-answer", invite: again.invite, answer: "accepted" });
    await waitFor(alex, (f) => f.kind === "chat-invite-status" && f.status === "accepted" && f.visitor === v.visit, "accepted");
    v.client.send({ kind: "chat-start", invite: again.invite });
    const accepted = await waitFor(v.client, (f) => f.kind === "chat-conversation" && f.change === "accepted", "assigned to the inviter");
    expect(accepted.agentName).toBe("Alex Agent");
    const row = await server.services.storage.db.selectFrom("chat_conversation").select(["assigned_agent_id", "state"]).where("id", "=", String(accepted.conversation)).executeTakeFirstOrThrow();
    expect(row).toEqual({ assigned_agent_id: alex.agentId, state: "active" });
    // The inviting agent follows it at once: the visitor's message reaches them without an accept.
    v.client.send({ kind: "chat-send", conversation: accepted.conversation, clientId: "invited-hello-1", text: "Yes, please help." });
    await waitFor(alex, (f) => f.kind === "chat-message" && f.text === "Yes, please help.", "message at the inviter");
  });

  it("transcripts and the audit trail name agents", async () => {
    const { agent: auditor } = await signInEnrolled(server, "auditor");
    const list = await auditor.json(`${server.url}/api/v1/transcripts?limit=50`);
    const conversations = list.body.conversations as { id: string; assignedAgentId: string | null }[];
    const handled = conversations.find((c) => c.assignedAgentId === vera.agentId);
    if (!handled) throw new Error("no conversation handled by vera");
    const transcript = await auditor.json(`${server.url}/api/v1/transcripts/${handled.id}`);
    const participants = (transcript.body.participants as { agentId: string; name: string }[]).map((p) => ({ agentId: p.agentId, name: p.name }));
    expect(participants).toEqual(expect.arrayContaining([{ agentId: alex.agentId, name: "Alex Agent" }, { agentId: vera.agentId, name: "Vera Viewer" }]));
    const messages = transcript.body.messages as { sender: string; senderName?: string }[];
    expect(messages.filter((m) => m.sender === "agent").every((m) => typeof m.senderName === "string")).toBe(true);
    const audit = await auditor.json(`${server.url}/api/v1/audit?action=chat:transfer`);
    const entries = audit.body.entries as { actor: string; actorName?: string }[];
    expect(entries.find((e) => e.actor === `agent:${alex.agentId}`)?.actorName).toBe("Alex Agent");
  });
});
