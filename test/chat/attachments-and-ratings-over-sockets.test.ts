import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInEnrolled } from "../auth/helpers/login.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { clamdAvailable, EICAR, startClamd, type TestClamd } from "../helpers/clamd.js";
import { freePort } from "../helpers/ports.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { openAgent, openVisitor, type Frame, type WsClient } from "../relay/ws-client.js";
import { waitFor } from "./live-chat-sockets.js";

// Attachments and ratings through a running Airlock with a real clamd: the file frames of both
// sockets, the agent's download route and the visitor's signed link (always a download, nosniff,
// sandboxed), an infected file refused to its sender with nothing reaching the other side, and a
// rating after the chat ended that supervisors then see.

const run = clamdAvailable() ? describe : describe.skip;

run("attachments and ratings over the real sockets", () => {
  let clamd: TestClamd;
  let server: TestServer;
  let agentHttp: HttpAgent;
  let agent: WsClient;
  let viewerHttp: HttpAgent;
  let visitor: WsClient;
  let conversation: string;
  beforeAll(async () => {
    clamd = await startClamd();
    server = await startTestServer({ AIRLOCK_PORT: String(await freePort()), AIRLOCK_CLAMD_ADDRESS: clamd.address });
    ({ agent: agentHttp } = await signInEnrolled(server, "agent"));
    ({ agent: viewerHttp } = await signInEnrolled(server, "viewer"));
    agent = await openAgent(server, agentHttp);
    agent.send({ kind: "watch-site", site: "demo" });
    ({ client: visitor } = await openVisitor(server));
    visitor.send({ kind: "chat-start" });
    conversation = String((await waitFor(visitor, (f) => f.kind === "chat-conversation" && f.change === "started", "chat started")).conversation);
    agent.send({ kind: "chat-accept", conversation });
    await waitFor(visitor, (f) => f.kind === "chat-conversation" && f.change === "accepted", "accepted");
  }, 60_000);
  afterAll(async () => {
    visitor.close();
    agent.close();
    await server.stop();
    await clamd.stop();
  });

  /** Announce, then one chunk after each progress frame, as the widget and console do; resolves with the verdict (ack or error). */
  async function sendFile(client: WsClient, name: string, bytes: Buffer): Promise<Frame> {
    const clientId = randomBytes(9).toString("base64url");
    let cursor = client.frames.length;
    client.send({ kind: "chat-file-start", conversation, clientId, name, size: bytes.length });
    for (;;) {
      const from = cursor;
      const next = await waitFor(client, (f) => client.frames.indexOf(f) >= from && ((f.clientId === clientId && f.kind !== "chat-message") || f.ref === clientId), `answer about ${name}`);
      cursor = client.frames.indexOf(next) + 1;
      if (next.kind !== "chat-file-progress") return next;
      if (next.stage === "scanning") continue;
      const at = Number(next.received);
      client.send({ kind: "chat-file-chunk", conversation, clientId, data: bytes.subarray(at, at + 32 * 1024).toString("base64") });
    }
  }

  const download = (url: string, cookie?: string) => fetch(url, { headers: cookie ? { cookie } : {}, redirect: "manual" });

  it("visitor → agent: the agent sees the file and downloads it as an attachment, never rendered; a colleague who does not take part finds nothing", async () => {
    const pdf = Buffer.from(`%PDF-1.4\n${"statement line\n".repeat(5_000)}%%EOF\n`);
    expect(await sendFile(visitor, "statement <2026>.html", pdf)).toMatchObject({ kind: "chat-ack" });
    const shown = await waitFor(agent, (f) => f.kind === "chat-message" && f.type === "file", "file message at the agent");
    const file = shown.file as { id: string; name: string; type: string; size: number };
    expect(file).toMatchObject({ name: "statement <2026>.html", type: "application/pdf", size: pdf.length });
    const res = await download(`${server.url}/api/v1/chat/files/${file.id}`, agentHttp.cookieHeader());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    // Named by the sniffed type: the sender's ".html" is gone.
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="statement _2026_.pdf"; filename*=UTF-8''statement%20%3C2026%3E.pdf`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
    expect((await download(`${server.url}/api/v1/chat/files/${file.id}`, viewerHttp.cookieHeader())).status).toBe(404);
    expect((await download(`${server.url}/api/v1/chat/files/${file.id}`)).status).toBe(401);
  });

  it("agent → visitor: the visitor asks for a short-lived link and downloads the same bytes with the same headers; a forged link finds nothing", async () => {
    const text = Buffer.from("Your new card PIN letter arrives within 5 days.\n");
    expect(await sendFile(agent, "next-steps.txt", text)).toMatchObject({ kind: "chat-ack" });
    const shown = await waitFor(visitor, (f) => f.kind === "chat-message" && f.type === "file" && f.from === "agent", "file message at the visitor");
    const file = shown.file as { id: string };
    visitor.send({ kind: "chat-file-link", conversation, file: file.id });
    const link = await waitFor(visitor, (f) => f.kind === "chat-file-link" && f.file === file.id, "download link");
    const res = await download(new URL(String(link.url), server.url).href);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="next-steps\.txt"/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
    expect(Buffer.from(await res.arrayBuffer()).equals(text)).toBe(true);
    const forged = new URL(String(link.url), server.url);
    forged.searchParams.set("e", String(Number(forged.searchParams.get("e")) + 60_000));
    expect((await download(forged.href)).status).toBe(404);
  });

  it("an infected file is refused to its sender (file_infected); the agent receives nothing of it", async () => {
    const before = agent.frames.length;
    const verdict = await sendFile(visitor, "invoice.txt", Buffer.from(EICAR, "latin1"));
    expect(verdict).toMatchObject({ kind: "chat-error", code: "file_infected" });
    // A message after it arrives; the infected file never did.
    visitor.send({ kind: "chat-send", conversation, clientId: randomBytes(9).toString("base64url"), text: "did it arrive?" });
    await waitFor(agent, (f) => f.kind === "chat-message" && f.text === "did it arrive?", "the next message");
    expect(agent.frames.slice(before).filter((f) => f.kind === "chat-message" && f.type === "file")).toEqual([]);
    expect(JSON.stringify(agent.frames.slice(before))).not.toContain("invoice");
  });

  it("after the chat ends the visitor rates it once; the supervisor's figures count it", async () => {
    visitor.send({ kind: "chat-rate", conversation, score: 5, comment: "too early" });
    expect(await waitFor(visitor, (f) => f.kind === "chat-error" && f.ref === "chat-rate", "not ended")).toMatchObject({ code: "not_ended" });
    visitor.send({ kind: "chat-end", conversation });
    await waitFor(visitor, (f) => f.kind === "chat-conversation" && f.change === "ended", "ended");
    visitor.send({ kind: "chat-rate", conversation, score: 4, comment: "Helpful" });
    await waitFor(visitor, (f) => f.kind === "chat-rated", "rated");
    const since = visitor.frames.length;
    visitor.send({ kind: "chat-rate", conversation, score: 1 });
    expect(await waitFor(visitor, (f) => visitor.frames.indexOf(f) >= since && f.kind === "chat-error", "second rating")).toMatchObject({ code: "already_rated" });
    const { agent: supervisor } = await signInEnrolled(server, "supervisor");
    const figures = await supervisor.json(`${server.url}/api/v1/chat/ratings?site=demo`);
    expect(figures.status).toBe(200);
    expect(figures.body.sites).toEqual([{ site: "demo", count: 1, average: 4, scores: [0, 0, 0, 1, 0] }]);
    expect(JSON.stringify(figures.body)).not.toContain("Helpful");
    expect((await viewerHttp.json(`${server.url}/api/v1/chat/ratings?site=demo`)).status).toBe(403);
  });
});
