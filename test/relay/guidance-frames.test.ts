import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GUIDANCE_LIMITS } from "../../src/protocol/guidance-limits.js";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import type { TestServer } from "../helpers/server.js";
import { DEMO_ORIGIN, openAgent, openVisitor, startSession, type Frame, type WsClient } from "./ws-client.js";

// Agent guidance (laser, outline, drawing, clear) over real sockets through the real relay: refused
// before the visitor's consent and after it is withdrawn, with nothing relayed or counted; hostile
// frames refused with their codes; only the session's own visitor gets what an agent draws; the
// strokes a page may show are bounded until someone clears; each use is one audit entry with
// counts, never coordinates.

const PAGE = `<body data-airlock-id="1"><main data-airlock-id="2"><h1 data-airlock-id="3">Balance</h1><p data-airlock-id="4">Text</p></main></body>`;
const GUIDE_KINDS = new Set(["laser", "outline", "draw", "clear-guides"]);
const stroke = (n: number) => ({ kind: "draw", stroke: n, points: [[10, 20], [30, 40], [50, 45]] });

describe("agent guidance frames at the relay", () => {
  let server: TestServer;
  let agent: HttpAgent;

  beforeAll(async () => {
    server = await startIdentityServer();
    ({ agent } = await signInEnrolled(server, "agent"));
  });
  afterAll(async () => {
    await server?.stop();
  });

  const guidesAt = (visitor: WsClient): Frame[] => visitor.frames.filter((f) => GUIDE_KINDS.has(f.kind));
  /** Sends, and waits for the refusal the frame answers (an error frame whose ref is its kind). */
  async function refused(agentSocket: WsClient, frame: unknown, ref?: string): Promise<unknown> {
    agentSocket.send(frame);
    return (await agentSocket.next("error", (f) => ref === undefined || f.ref === ref)).code;
  }
  /** Frames on a socket stay in order: once this highlight arrives, the agent's earlier frames were handled. */
  async function settled(agentSocket: WsClient, visitor: WsClient, n: number): Promise<void> {
    agentSocket.send({ kind: "highlight", x: n, y: n });
    await visitor.next("highlight", (f) => f.x === n);
  }

  it("refuses every guidance frame before the visitor's consent (no_consent) and relays or counts nothing", async () => {
    const { client: visitor, welcome } = await openVisitor(server);
    const agentSocket = await openAgent(server, agent);
    agentSocket.send({ kind: "join", versions: [1], room: String(welcome.session), mode: "view" });
    await agentSocket.next("welcome");
    const ask = await visitor.next("consent-request");
    for (let i = 0; i < 3; i++) expect(await refused(agentSocket, stroke(i), "draw")).toBe("no_consent");
    expect(await refused(agentSocket, { kind: "laser", gesture: 1, points: [[1, 1]] }, "laser")).toBe("no_consent");
    expect(await refused(agentSocket, { kind: "outline", id: 3 }, "outline")).toBe("no_consent");
    expect(await refused(agentSocket, { kind: "clear-guides" }, "clear-guides")).toBe("no_consent");
    expect(guidesAt(visitor)).toEqual([]);

    // After the yes, the refused strokes left no count behind: the page takes the whole allowance.
    visitor.send({ kind: "consent", request: ask.request, answer: "granted", mode: "view" });
    await agentSocket.next("consent");
    for (let i = 0; i < GUIDANCE_LIMITS.maxStrokesPerSession; i++) agentSocket.send(stroke(i));
    await settled(agentSocket, visitor, 1);
    expect(guidesAt(visitor).filter((f) => f.kind === "draw")).toHaveLength(GUIDANCE_LIMITS.maxStrokesPerSession);
    expect(agentSocket.errors().filter((f) => f.ref === "draw")).toHaveLength(3);

    // The visitor withdraws consent from this agent (sends them away): refused, nothing more arrives.
    const you = String(agentSocket.frames.filter((f) => f.kind === "state").at(-1)?.you);
    visitor.send({ kind: "remove-watcher", watcher: you });
    await agentSocket.next("state", (f) => f.state === "ended");
    const before = guidesAt(visitor).length;
    expect(await refused(agentSocket, stroke(99), "draw")).toBe("wrong_state");
    expect(await refused(agentSocket, { kind: "laser", gesture: 2, points: [[1, 1]] }, "laser")).toBe("wrong_state");
    expect(guidesAt(visitor).length).toBe(before);
    agentSocket.close();
    visitor.close();
  });

  it("refuses hostile frames with their codes, relays valid ones to the session's visitor only, bounds strokes until a clear", async () => {
    const { client: visitor, welcome } = await openVisitor(server);
    const { client: other, welcome: otherWelcome } = await openVisitor(server);
    const agentSocket = await openAgent(server, agent);
    const otherAgent = await openAgent(server, agent);
    await startSession(visitor, agentSocket, String(welcome.session));
    await startSession(other, otherAgent, String(otherWelcome.session));
    visitor.send({ kind: "snapshot", seq: 1, url: `${DEMO_ORIGIN}/demo`, html: PAGE, viewport: { width: 800, height: 600 } });
    await agentSocket.next("snapshot");

    const many = (n: number) => Array.from({ length: n }, (_, i) => [i, i]);
    const cases: [unknown, string][] = [
      [{ kind: "draw", stroke: 1, points: many(GUIDANCE_LIMITS.maxStrokePoints + 1) }, "bad_frame"],
      [{ kind: "draw", stroke: 1, points: many(5_000) }, "bad_frame"],
      [{ kind: "laser", gesture: 1, points: many(GUIDANCE_LIMITS.maxLaserPoints + 1) }, "bad_frame"],
      [{ kind: "draw", stroke: 1, points: [[1, 1]] }, "bad_frame"],
      [{ kind: "laser", gesture: 1, points: [] }, "bad_frame"],
      ['{"kind":"draw","stroke":1,"points":[[1e999,1],[2,2]]}', "bad_frame"],
      ['{"kind":"laser","gesture":1,"points":[[-1e999,1]]}', "bad_frame"],
      ['{"kind":"draw","stroke":1,"points":[[NaN,1],[2,2]]}', "bad_json"],
      [{ kind: "draw", stroke: 1, points: [[null, 1], [2, 2]] }, "bad_frame"],
      [{ kind: "draw", stroke: 1, points: [[1e8, 1], [2, 2]] }, "bad_frame"],
      [{ kind: "draw", stroke: 1, points: [{ x: 1, y: 1 }, { x: 2, y: 2 }] }, "bad_frame"],
      [{ kind: "draw", stroke: 1, points: [[1, 1, 1], [2, 2]] }, "bad_frame"],
      [{ kind: "draw", stroke: -1, points: [[1, 1], [2, 2]] }, "bad_frame"],
      [{ kind: "draw", stroke: 1, points: [[1, 1], [2, 2]], color: "url(javascript:alert(1))" }, "bad_frame"],
      [{ kind: "outline", id: 0 }, "bad_frame"],
      [{ kind: "outline", id: 1.5 }, "bad_frame"],
      [{ kind: "outline", id: 424242 }, "unknown_node"],
      [{ kind: "laser", gesture: 1, points: [["1", 1]] }, "bad_frame"],
    ];
    for (const [frame, code] of cases) {
      agentSocket.send(frame);
      const error = await agentSocket.next("error");
      expect({ frame: (typeof frame === "string" ? frame : JSON.stringify(frame)).slice(0, 70), code: error.code }).toEqual({ frame: (typeof frame === "string" ? frame : JSON.stringify(frame)).slice(0, 70), code });
    }
    // A connection that joined no session reaches nobody (wrong_state).
    const stray = await openAgent(server, agent);
    expect(await refused(stray, stroke(1))).toBe("wrong_state");
    stray.close();
    await settled(agentSocket, visitor, 2);
    expect(guidesAt(visitor)).toEqual([]);
    expect(guidesAt(other)).toEqual([]);

    // Valid frames reach this session's visitor, as checked data, and never the other session's.
    agentSocket.send({ kind: "laser", gesture: 7, points: [[5, 6], [7, 8]] });
    agentSocket.send({ kind: "laser", gesture: 7, points: [[9, 10]], end: true });
    agentSocket.send({ kind: "outline", id: 3 });
    agentSocket.send(stroke(1));
    await settled(agentSocket, visitor, 3);
    expect(guidesAt(visitor)).toEqual([
      { kind: "laser", points: [[5, 6], [7, 8]] },
      { kind: "laser", points: [[9, 10]] },
      { kind: "outline", id: 3 },
      { kind: "draw", points: [[10, 20], [30, 40], [50, 45]] },
    ]);
    expect(guidesAt(other)).toEqual([]);

    // The allowance of strokes, then too_many_strokes; the visitor's clear makes room again.
    for (let i = 2; i <= GUIDANCE_LIMITS.maxStrokesPerSession; i++) agentSocket.send(stroke(i));
    expect(await refused(agentSocket, stroke(999), "draw")).toBe("too_many_strokes");
    visitor.send({ kind: "clear-guides" });
    expect(await agentSocket.next("guides-cleared")).toMatchObject({ by: "visitor" });
    agentSocket.send(stroke(1000));
    await settled(agentSocket, visitor, 4);
    expect(guidesAt(visitor).at(-1)).toMatchObject({ kind: "draw" });
    // The agent's clear reaches the visitor's page.
    agentSocket.send({ kind: "clear-guides" });
    await visitor.next("clear-guides");
    expect(await agentSocket.next("guides-cleared")).toMatchObject({ by: "agent" });

    // Audit: one entry per gesture, outline, stroke and clear, with counts and never coordinates.
    const room = String(welcome.session);
    const rows = async () =>
      (await server.services.storage.db.selectFrom("audit_log").select(["actor", "action", "target", "decision"]).where("action", "like", "cobrowse.guide%").where("target", "like", `room:${room}@%`).orderBy("seq").execute()).map((r) => [r.actor.replace(/^agent:.*/, "agent"), r.action, (r.target ?? "").replace(/^room:[^/]*/, "room")]);
    await expect.poll(rows).toEqual([
      ["agent", "cobrowse.guide.laser", "room/points:3"],
      ["agent", "cobrowse.guide.outline", "room/node:3"],
      ...Array.from({ length: GUIDANCE_LIMITS.maxStrokesPerSession }, () => ["agent", "cobrowse.guide.draw", "room/points:3"]),
      ["visitor:demo", "cobrowse.guide.clear", "room"],
      ["agent", "cobrowse.guide.draw", "room/points:3"],
      ["agent", "cobrowse.guide.clear", "room"],
    ]);
    const trail = JSON.stringify(await server.services.storage.db.selectFrom("audit_log").selectAll().where("action", "like", "cobrowse.guide%").execute());
    for (const coordinate of ["[10,20]", "10,20", "30,40", "5,6"]) expect(trail).not.toContain(coordinate);
    for (const c of [visitor, other, agentSocket, otherAgent]) c.close();
  });
});
