import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import { chromiumPath, launchBrowser, type TestBrowser } from "../helpers/browser.js";
import type { TestServer } from "../helpers/server.js";
import { allPayloads } from "./helpers/corpora.js";
import { renderAndInspect } from "./helpers/inspect-rendering.js";
import { DEMO_ORIGIN, openAgent, openVisitor, startSession, type Frame, type WsClient } from "./ws-client.js";
import { expectString } from "../helpers/frame-fields.js";

// A hostile visitor speaking the protocol directly over /ws/visitor. Every public XSS corpus
// payload goes in as snapshot content and as added subtrees, plus hostile attribute and text
// mutations. What the agent receives over /ws/agent is rendered in Chromium without sandbox or
// CSP, with every request aborted and recorded: nothing may run, and nothing may point anywhere
// but the asset proxy. Every malformed or oversized frame gets its specific error code and the
// session keeps working.

const PAGE = `${DEMO_ORIGIN}/demo`;
const escapeAttr = (v: string) => v.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

describe.skipIf(!chromiumPath)("hostile visitor over real sockets", () => {
  let server: TestServer;
  let agent: HttpAgent;
  let browser: TestBrowser;
  let visitor: WsClient;
  let agentSocket: WsClient;
  let seq = 1;

  beforeAll(async () => {
    server = await startIdentityServer();
    ({ agent } = await signInEnrolled(server, "agent"));
    browser = await launchBrowser();
    const opened = await openVisitor(server);
    visitor = opened.client;
    agentSocket = await openAgent(server, agent);
    await startSession(visitor, agentSocket, String(opened.welcome.session));
  });
  afterAll(async () => {
    visitor?.close();
    agentSocket?.close();
    await browser?.close();
    await server?.stop();
  });

  /** Sends a frame and waits until the agent has everything the session forwards for it. */
  async function roundTrip(message: Record<string, unknown>): Promise<Frame[]> {
    const before = agentSocket.frames.length;
    visitor.send(message);
    // A pointer event after it: once that arrives, everything before it has been forwarded.
    const marker = { kind: "pointer", x: seq, y: -seq };
    visitor.send(marker);
    await agentSocket.next("pointer", (f) => f.x === marker.x && f.y === marker.y);
    return agentSocket.frames.slice(before).filter((f) => f.kind !== "pointer");
  }

  it("renders nothing executable and no URL outside the proxy for every corpus payload, as snapshot and as added subtrees", async () => {
    const payloads = allPayloads();
    expect(payloads.length).toBeGreaterThan(400);
    let id = 100;
    const cases = payloads.map((p) => ({ ...p, id: id++ }));
    const body = cases.map((c) => `<div data-airlock-id="${c.id}">${c.payload}</div>`).join("");
    const html = `<html data-airlock-id="1"><head data-airlock-id="2"></head><body data-airlock-id="3">${body}<section data-airlock-id="4"></section><a data-airlock-id="5" href="/demo">link</a><img data-airlock-id="6" src="/demo/img/a.png"><style data-airlock-id="7">p{color:red}</style></body></html>`;
    const snapshotFrames = await roundTrip({ kind: "snapshot", seq: seq++, url: PAGE, html, viewport: { width: 1200, height: 800 } });
    const snapshot = snapshotFrames.find((f) => f.kind === "snapshot");
    expect(snapshot).toBeDefined();

    const ops = cases.map((c, i) => ({ op: "add", parent: 4, before: null, html: `<p data-airlock-id="${5000 + i}">${c.payload}</p>` }));
    const added: Frame[] = [];
    for (let i = 0; i < ops.length; i += 200) added.push(...(await roundTrip({ kind: "mutations", seq: seq++, ops: ops.slice(i, i + 200) })));

    // Hostile attribute and text changes on known nodes: <a> 5, <img> 6, <style> 7, <div> 100.
    const hostileOps = [
      { op: "attr", id: 5, name: "href", value: "javascript:alert(1)" },
      { op: "attr", id: 5, name: "href", value: " JaVaScRiPt:alert(1)" },
      { op: "attr", id: 5, name: "href", value: "data:text/html,<script>alert(1)</script>" },
      { op: "attr", id: 5, name: "onclick", value: "alert(1)" },
      { op: "attr", id: 100, name: "ONMOUSEOVER", value: "alert(1)" },
      { op: "attr", id: 100, name: "srcdoc", value: "<script>alert(1)</script>" },
      { op: "attr", id: 100, name: "style", value: "background:url(https://evil.test/bg.png);width:expression(alert(1))" },
      { op: "attr", id: 6, name: "src", value: "https://evil.test/pixel.gif" },
      { op: "attr", id: 6, name: "srcset", value: "https://evil.test/a.png 1x, /demo/img/b.png 2x" },
      { op: "attr", id: 5, name: "ping", value: "https://evil.test/ping" },
      { op: "attr", id: 100, name: "formaction", value: "https://evil.test/" },
      { op: "text", id: 7, value: "@import url(https://evil.test/x.css); body{background:url(https://evil.test/y.png)} p{behavior:url(x.htc);-moz-binding:url(x.xml#x)}" },
      { op: "add", parent: 2, before: null, html: `<meta data-airlock-id="9001" http-equiv="refresh" content="0;url=https://evil.test/">` },
      { op: "add", parent: 2, before: null, html: `<base data-airlock-id="9002" href="https://evil.test/">` },
      { op: "add", parent: 4, before: null, html: `<iframe data-airlock-id="9003" srcdoc="<script>alert(1)</script>" src="https://evil.test/"></iframe><object data-airlock-id="9004" data="https://evil.test/x.swf"></object><embed data-airlock-id="9005" src="https://evil.test/x">` },
    ];
    const hostile = await roundTrip({ kind: "mutations", seq: seq++, ops: hostileOps });

    const tags = new Map<number, string>([[5, "a"], [6, "img"], [7, "style"], [100, "div"]]);
    const items: { name: string; html: string; trigger?: string }[] = [{ name: "snapshot", html: String(snapshot?.html) }];
    for (const frame of [...added, ...hostile]) {
      if (frame.kind !== "mutations") continue;
      for (const op of frame.ops as Record<string, unknown>[]) {
        if (op.op === "add") items.push({ name: `add under ${String(op.parent)}`, html: String(op.html) });
        if (op.op === "text") items.push({ name: `text of ${String(op.id)}`, html: `<style>${String(op.value).replace(/<\//g, "<\\/")}</style>` });
        if (op.op === "attr" && op.value !== null) {
          const name = String(op.name);
          expect(name).toMatch(/^[a-z][a-z0-9:_.-]*$/);
          const tag = tags.get(Number(op.id)) ?? "span";
          items.push({ name: `attr ${name} on ${tag}`, html: `<${tag} ${name}="${escapeAttr(expectString(op.value))}">x</${tag}>` });
        }
      }
    }
    for (const c of cases) if (c.trigger) items.push({ name: c.name, html: "", trigger: c.trigger });
    // The hostile host appears only in hostile URLs: none may survive in any form.
    expect(JSON.stringify([snapshot, ...added, ...hostile]).includes("evil.test")).toBe(false);

    const page = await browser.browser.newPage();
    try {
      const findings = await renderAndInspect(page, items, `${server.url}/relay/v1/asset?`);
      expect(findings).toEqual([]);
    } finally {
      await page.close();
    }
    // The inspection itself catches what it must: the same hostile input, unsanitized, is reported.
    const control = await browser.browser.newPage();
    try {
      const raw = [{ name: "raw", html: `<img src="https://evil.test/x.png" onerror="alert(1)"><a href="javascript:alert(2)">x</a>` }];
      const findings = await renderAndInspect(control, raw, `${server.url}/relay/v1/asset?`);
      expect(findings.map((f) => f.problem)).toEqual(expect.arrayContaining(["onerror attribute on <img>", "href on <a> points outside the proxy"]));
    } finally {
      await control.close();
    }
  });

  it("answers each malformed, oversized or out-of-tree frame with its specific code and the room keeps working", async () => {
    const before = visitor.errors().length;
    const deep = `<html data-airlock-id="1"><body data-airlock-id="2">${"<div>".repeat(300)}x${"</div>".repeat(300)}</body></html>`;
    const many = `<html data-airlock-id="1"><body data-airlock-id="2">${"<i></i>".repeat(50_001)}</body></html>`;
    const cases: [unknown, string][] = [
      ["not json at all", "bad_json"],
      [[1, 2, 3], "bad_json"],
      [{ kind: "no-such-kind" }, "bad_frame"],
      [{ kind: "pointer", x: "left", y: 1 }, "bad_frame"],
      [{ kind: "scroll", id: -1, x: 0, y: 0 }, "bad_frame"],
      [{ kind: "snapshot", seq: 1, url: PAGE, html: "<p>", viewport: { width: 1, height: 1 }, extra: true }, "bad_frame"],
      [{ kind: "hello", versions: [1], siteKey: "demo-site-key-0001", url: PAGE, viewport: { width: 1, height: 1 } }, "wrong_state"],
      [{ kind: "snapshot", seq: 1, url: "https://evil.test/", html: "<p></p>", viewport: { width: 1, height: 1 } }, "origin_not_allowed"],
      [{ kind: "snapshot", seq: 1, url: PAGE, html: deep, viewport: { width: 1, height: 1 } }, "too_deep"],
      [{ kind: "snapshot", seq: 1, url: PAGE, html: many, viewport: { width: 1, height: 1 } }, "too_many_nodes"],
      [{ kind: "snapshot", seq: 1, url: PAGE, html: "x".repeat(4 * 1024 * 1024 + 10), viewport: { width: 1, height: 1 } }, "frame_too_large"],
      [{ kind: "mutations", seq: 1, ops: Array.from({ length: 1001 }, () => ({ op: "remove", id: 5 })) }, "too_many_ops"],
      [{ kind: "mutations", seq: 1, ops: [{ op: "attr", id: 424242, name: "title", value: "x" }] }, "unknown_node"],
      [{ kind: "mutations", seq: 1, ops: [{ op: "attr", id: 5, name: "title", value: "x".repeat(17 * 1024) }] }, "value_too_long"],
      [{ kind: "input", id: 424242, value: "x", masked: true }, "unknown_node"],
      [{ kind: "focus", id: 99999999 }, "unknown_node"],
      [{ kind: "consent", request: "forged-request", answer: "granted", mode: "control" }, "wrong_state"],
    ];
    for (const [frame, code] of cases) {
      visitor.send(typeof frame === "string" ? frame : JSON.stringify(frame));
      const error = await visitor.next("error");
      expect({ frame: JSON.stringify(frame).slice(0, 60), code: error.code }).toEqual({ frame: JSON.stringify(frame).slice(0, 60), code });
    }
    visitor.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await visitor.next("error")).code).toBe("bad_frame");
    expect(visitor.errors().length - before).toBe(cases.length + 1);
    // No error frame ever echoes content back.
    expect(JSON.stringify(visitor.errors())).not.toMatch(/evil\.test|<div>|xxxx/);

    // The session is still live: a change reaches the agent.
    const frames = await roundTrip({ kind: "mutations", seq: seq++, ops: [{ op: "text", id: 100, value: "still here" }] });
    expect(frames).toContainEqual(expect.objectContaining({ kind: "mutations", ops: [{ op: "text", id: 100, value: "still here" }] }));
  });

  it("an agent naming unknown or nosync nodes gets unknown_node / node_masked", async () => {
    await roundTrip({ kind: "mutations", seq: seq++, ops: [{ op: "add", parent: 4, before: null, html: `<div data-airlock-id="7001" class="cobrowsing_nosync"><input data-airlock-id="7002"></div>` }] });
    agentSocket.send({ kind: "highlight", x: 1, y: 1 });
    agentSocket.send({ kind: "control", event: { type: "click", id: 31337 } });
    // View mode: control is refused before node checks.
    expect((await agentSocket.next("error", (f) => f.ref === "control")).code).toBe("not_allowed");
    agentSocket.send({ kind: "request-control" });
    const ask = await visitor.next("consent-request", (f) => f.mode === "control");
    visitor.send({ kind: "consent", request: ask.request, answer: "granted", mode: "control" });
    await agentSocket.next("state", (f) => f.mode === "control");
    agentSocket.send({ kind: "control", event: { type: "click", id: 31337 } });
    expect((await agentSocket.next("error", (f) => f.ref === "control")).code).toBe("unknown_node");
    agentSocket.send({ kind: "control", event: { type: "input", id: 7002, value: "typed" } });
    expect((await agentSocket.next("error", (f) => f.ref === "control")).code).toMatch(/^(unknown_node|node_masked)$/);
    agentSocket.send({ kind: "control", event: { type: "click", id: 7001 } });
    expect((await agentSocket.next("error", (f) => f.ref === "control")).code).toMatch(/^(unknown_node|node_masked)$/);
    expect(visitor.frames.filter((f) => f.kind === "control")).toEqual([]);
    visitor.send({ kind: "revoke" });
    await agentSocket.next("state", (f) => f.mode === "view");
  });

  it("a flood is answered rate_limited without closing the connection or the room", async () => {
    const before = visitor.errors().length;
    for (let i = 0; i < 400; i++) visitor.send({ kind: "viewport", viewport: { width: 100 + i, height: 100 } });
    await visitor.next("error", (f) => f.code === "rate_limited");
    await new Promise((r) => setTimeout(r, 300)); // let the bucket refill a little (60/s)
    const limited = visitor.errors().slice(before).filter((f) => f.code === "rate_limited").length;
    expect(limited).toBeGreaterThan(100);
    expect(visitor.ws.readyState).toBe(visitor.ws.OPEN);
    const frames = await roundTrip({ kind: "mutations", seq: seq++, ops: [{ op: "text", id: 100, value: "after the flood" }] });
    expect(frames).toContainEqual(expect.objectContaining({ kind: "mutations" }));
  });
});
