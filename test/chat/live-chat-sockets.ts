import { randomBytes, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { TestServer } from "../helpers/server.js";
import { signInEnrolled } from "../auth/helpers/login.js";
import { openAgent, openVisitor, type Frame, type WsClient } from "../relay/ws-client.js";

// Chat over the real /ws/visitor and /ws/agent of a running Airlock: visitors say hello with the
// demo site key, agents sign in through the dev IdP (with TOTP) and open the socket with a ticket.

export type DemoLogin = "agent" | "viewer" | "supervisor" | "auditor";

/** A signed-in agent's socket, and the agent id chat knows them by (transfers name it). */
export async function agentSocket(server: TestServer, login: DemoLogin): Promise<WsClient & { readonly agentId: string }> {
  const { agent } = await signInEnrolled(server, login);
  const me = await agent.json(`${server.url}/api/v1/me`);
  const id = (me.body.agent as { id?: unknown } | undefined)?.id;
  const agentId = typeof id === "string" ? id : "";
  return Object.assign(await openAgent(server, agent), { agentId });
}

export async function visitorSocket(server: TestServer): Promise<{ client: WsClient; visit: string }> {
  const { client, welcome } = await openVisitor(server);
  return { client, visit: String(welcome.visit) };
}

/** The first frame received so far or later that matches (never consumes, unlike WsClient.next). */
export async function waitFor(client: WsClient, match: (f: Frame) => boolean, what: string, timeoutMs = 10_000): Promise<Frame> {
  for (const start = Date.now(); ; await sleep(5)) {
    const hit = client.frames.find(match);
    if (hit) return hit;
    if (Date.now() - start > timeoutMs) throw new Error(`no frame for ${what}; got ${client.frames.map((f) => `${f.kind}:${JSON.stringify(f.code ?? f.change ?? "")}`).join(",")}`);
  }
}

/** The chat-error answering the frame whose `ref` (client id or kind) is given, received after `since` frames. */
export function chatError(client: WsClient, ref: string, since: number): Promise<Frame> {
  return waitFor(client, (f) => client.frames.indexOf(f) >= since && f.kind === "chat-error" && f.ref === ref, `chat-error for ${ref}`);
}

/**
 * Round trip through the connection's chat queue: a send to a conversation that does not exist
 * is refused after every frame sent before it, and after every event published before it.
 */
export async function barrier(client: WsClient): Promise<void> {
  const clientId = `barrier-${randomBytes(6).toString("hex")}`;
  const since = client.frames.length;
  client.send({ kind: "chat-send", conversation: randomUUID(), clientId, text: "barrier" });
  await chatError(client, clientId, since);
}

/** Frames that carry anything of the conversation: its id, or the text said in it. */
export function framesOf(client: WsClient, conversation: string, texts: readonly string[]): Frame[] {
  return client.frames.filter((f) => f.conversation === conversation || texts.some((t) => JSON.stringify(f).includes(t)));
}
