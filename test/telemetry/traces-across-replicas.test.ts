import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/ops/log.js";
import { startTelemetry } from "../../src/telemetry/start.js";
import type { Telemetry } from "../../src/telemetry/telemetry.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInEnrolled } from "../auth/helpers/login.js";
import { startReplicaPair, type ReplicaPair } from "../helpers/replicas.js";
import { serviceUrl } from "../helpers/services.js";
import { DEMO_ORIGIN, openAgent, openVisitor, startSession, ticketFor, type WsClient } from "../relay/ws-client.js";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./otlp-receiver.js";

// OpenTelemetry on two replicas sharing PostgreSQL and Redis, exporting OTLP/HTTP (JSON) to a
// receiver on loopback: an HTTP request, WebSocket frames, database calls and a bus hop from A to
// B arrive as spans linked parent to child; and none of the personal data or content the test
// sends (chat text, page content, a token, an e-mail address, a name) is in any exported byte.

const pgBase = serviceUrl("AIRLOCK_TEST_PG_URL");
const redisUrl = serviceUrl("AIRLOCK_TEST_REDIS_URL");

const CANARY = {
  chatText: "canary-chat-text-Zq81",
  pageText: "canary-page-content-Wx27",
  token: "canary-token-Kd55aa0123456789",
  email: "canary.person@example.org",
  name: "Canary Personname",
  pathId: "canary-path-id-Pp33",
} as const;

describe.skipIf(!pgBase || !redisUrl)("OpenTelemetry across two replicas", () => {
  let receiver: OtlpReceiver;
  let telemetry: Telemetry | undefined;
  let replicas: ReplicaPair | undefined;
  let agent: HttpAgent;
  const clients: WsClient[] = [];
  // Identifying values the run itself produced: they must not be exported either.
  const produced: string[] = [];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    telemetry = await startTelemetry(
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_SERVICE_NAME: "airlock-test" },
      createLogger("silent"),
      "0.0.0-test",
    );
    if (!telemetry) throw new Error("telemetry did not start");
    replicas = await startReplicaPair({ a: { telemetry }, b: { telemetry } });
    ({ agent } = await signInEnrolled(replicas.b, "agent"));
    produced.push(...agent.cookies.values());
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await replicas?.stop();
    await telemetry?.shutdown();
    await receiver.stop();
  });

  it("exports linked spans for an HTTP route, WebSocket frames, database calls and a bus hop, and none of the canaries", async () => {
    if (!replicas || !telemetry) throw new Error("not started");
    const { a, b } = replicas;

    // HTTP: a path parameter and a query that could identify someone; the span names the template.
    const read = await agent.json(`${b.url}/api/v1/transcripts/${CANARY.pathId}?email=${encodeURIComponent(CANARY.email)}&token=${CANARY.token}`);
    expect(read.status).toBeGreaterThanOrEqual(400);

    // Co-browse: the visitor on A, the agent on B; page content with a canary crosses the bus A → B.
    const { client: visitor, welcome } = await openVisitor(a);
    clients.push(visitor);
    produced.push(String(welcome.resumeToken), String(welcome.visit), String(welcome.session));
    const ticket = await ticketFor(agent, b);
    produced.push(ticket);
    const agentSocket = await openAgent(b, agent, ticket);
    clients.push(agentSocket);
    for (let i = 0; i < 100 && !b.services.relay.cobrowseSession(String(welcome.session)); i++) await new Promise((r) => setTimeout(r, 10));
    await startSession(visitor, agentSocket, String(welcome.session));
    visitor.send({
      kind: "snapshot",
      seq: 1,
      url: `${DEMO_ORIGIN}/demo?email=${encodeURIComponent(CANARY.email)}`,
      html: `<html data-airlock-id="1"><body data-airlock-id="2"><p data-airlock-id="3">${CANARY.pageText} ${CANARY.name}</p><input data-airlock-id="4" value="${CANARY.email}"></body></html>`,
      viewport: { width: 800, height: 600 },
    });
    expect(String((await agentSocket.next("snapshot")).html)).toContain(CANARY.pageText);

    // Chat on A: message text, an offline message with name and e-mail, and a visitor token.
    visitor.send({ kind: "chat-start" });
    const started = await visitor.next("chat-conversation", (f) => f.change === "started");
    produced.push(String(started.conversation));
    visitor.send({ kind: "chat-send", conversation: started.conversation, clientId: "canary-client-0001", text: `${CANARY.chatText} ${CANARY.email} ${CANARY.name}` });
    await visitor.next("chat-ack");
    visitor.send({ kind: "chat-offline", clientId: "canary-client-0002", name: CANARY.name, email: CANARY.email, text: CANARY.chatText });
    visitor.send({ kind: "identify", token: CANARY.token });
    await visitor.next("error", (f) => f.ref === "identify" || f.ref === "chat-offline").catch(() => undefined);

    await telemetry.forceFlush();
    let spans: ReceivedSpan[] = [];
    const find = (name: string) => spans.filter((s) => s.name === name);
    await expect.poll(async () => {
      await telemetry?.forceFlush();
      spans = receiver.spans();
      return ["GET /api/v1/transcripts/:id", "ws visitor snapshot", "ws visitor chat-send", "receive replica"].filter((n) => find(n).length === 0);
    }).toEqual([]);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentOf = (s: ReceivedSpan | undefined) => (s ? byId.get(s.parentSpanId) : undefined);

    // HTTP: route template, method, status; the identity middleware's query is its child.
    const http = find("GET /api/v1/transcripts/:id")[0];
    expect(http?.attributes).toMatchObject({ "http.request.method": "GET", "http.route": "/api/v1/transcripts/:id" });
    expect(spans.some((s) => s.attributes["db.operation.name"] && parentOf(s) === http)).toBe(true);

    // WebSocket frame → database insert, both in one trace.
    const send = find("ws visitor chat-send")[0];
    expect(send?.attributes).toMatchObject({ "airlock.ws.side": "visitor", "airlock.ws.kind": "chat-send" });
    // The message is stored by a group commit whose batch runs in the first sender's trace.
    const isUnder = (s: ReceivedSpan, ancestor: ReceivedSpan | undefined): boolean => {
      for (let p = parentOf(s); p; p = parentOf(p)) if (p === ancestor) return true;
      return false;
    };
    const stored = spans.filter((s) => s.attributes["db.operation.name"] && isUnder(s, send));
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.every((s) => s.attributes["db.system.name"] === "postgresql" && s.traceId === send?.traceId)).toBe(true);

    // Bus hop: A's snapshot frame publishes to B's replica channel; B's receive continues that trace.
    const snapshot = find("ws visitor snapshot")[0];
    const publish = spans.find((s) => s.name === "publish replica" && parentOf(s) === snapshot);
    const receive = spans.find((s) => s.name === "receive replica" && s.parentSpanId === publish?.spanId);
    expect(receive?.traceId).toBe(snapshot?.traceId);
    expect(receive?.attributes).toMatchObject({ "messaging.system": "redis", "messaging.operation.type": "receive", "messaging.destination.name": "replica" });
    expect(snapshot?.resource).toMatchObject({ "service.name": "airlock-test", "service.version": "0.0.0-test" });

    // Nothing but allowlisted attributes, no events, and none of the canaries anywhere in the exported bytes.
    expect(spans.every((s) => s.eventCount === 0)).toBe(true);
    await expect.poll(() => receiver.metricNames()).toEqual(expect.arrayContaining(["airlock.ws.frames", "airlock.ws.connections"]));
    const exported = Buffer.concat(receiver.bodies.map((body) => body.bytes)).toString("utf8");
    for (const canary of [...Object.values(CANARY), "Alex Agent", "agent@airlock.test", "demo-agent", ...produced.filter((p) => p.length >= 8)]) {
      expect(exported, canary).not.toContain(canary);
    }
  });
});
