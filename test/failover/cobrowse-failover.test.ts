import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import { serviceUrl } from "../helpers/services.js";
import { buildVisitorBundle } from "../visitor/host-site.js";
import { FollowingAgent, startCluster, until, type Cluster } from "./cluster-fixture.js";
import type { Frame } from "../relay/ws-client.js";

// No sticky sessions: a co-browse session continues on whichever server process the visitor's
// script reaches next. Three real `airlock serve` processes on PostgreSQL and Redis, the
// visitor in Chromium running the real script, the agent's viewer as the console runs it.

const pgBase = serviceUrl("AIRLOCK_TEST_PG_URL");
const redisUrl = serviceUrl("AIRLOCK_TEST_REDIS_URL");
const chromium = serviceUrl("AIRLOCK_TEST_CHROMIUM");

interface VisitorPage {
  readonly page: Page;
  /** Co-browse frames the page received from Airlock. */
  readonly received: Frame[];
}

function tickOf(frame: Frame): number | undefined {
  const text = JSON.stringify(frame);
  const m = /tick (\d+)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

describe.skipIf(!pgBase || !redisUrl || !chromium)("co-browse failover across server processes", () => {
  let cluster: Cluster;
  let browser: TestBrowser;

  beforeAll(async () => {
    buildVisitorBundle();
    [cluster, browser] = await Promise.all([startCluster(), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  async function openVisitorPage(): Promise<VisitorPage> {
    const context = await browser.browser.newContext();
    const page = await context.newPage();
    const received: Frame[] = [];
    page.on("websocket", (ws) =>
      ws.on("framereceived", (f) => {
        try {
          received.push(JSON.parse(String(f.payload)) as Frame);
        } catch {
          // not JSON: not ours
        }
      }),
    );
    await page.goto(cluster.pageUrl);
    return { page, received };
  }

  /** A session of a new visitor, watched by a following agent, with the page streaming. */
  async function watchedSession(known: ReadonlySet<string>): Promise<{ visitor: VisitorPage; agent: FollowingAgent }> {
    const visitor = await openVisitorPage();
    const welcome = await until("the visitor's welcome", () => visitor.received.find((f) => f.kind === "welcome"));
    const room = String(welcome.session);
    expect(known.has(room)).toBe(false);
    await until("the session listed to agents", async () => {
      const listed = await cluster.agent.json(`${cluster.agentDoor.url}/api/v1/cobrowse/sessions`);
      return (listed.body.sessions as { room: string }[]).some((s) => s.room === room) || undefined;
    });
    const agent = new FollowingAgent(cluster, room);
    await agent.connect();
    await visitor.page.getByRole("button", { name: "Share my screen" }).click();
    await until("the page at the agent", () => agent.after(0, "snapshot").find((f) => tickOf(f) !== undefined));
    return { visitor, agent };
  }

  it("SIGKILL of the server process owning the session mid-stream: the session continues on another, consent is not asked again, the agent is told", async () => {
    const [p1, , p3] = cluster.processes.servers as [typeof cluster.processes.servers[0], unknown, typeof cluster.processes.servers[0]];
    const { visitor, agent } = await watchedSession(new Set());
    // The visitor came in through P1: it owns the session; the agent's socket is on P2.
    expect(p1.output.some((l) => l.includes('"co-browse session opened"'))).toBe(true);
    await until("mutations streaming to the agent", () => agent.after(0, "mutations").length >= 3 || undefined);

    const beforeKill = agent.frames.length;
    const lastTick = Math.max(...agent.frames.map((f) => tickOf(f) ?? 0));
    await cluster.processes.kill(p1, "SIGKILL");

    // The script reconnects through the door to P3, which takes the visit over and asks for a
    // fresh snapshot; the agent is told, and the page (further along) is shown again.
    const moved = await until("the agent told the session moved", () => agent.after(beforeKill, "moved")[0]);
    expect(moved).toEqual({ kind: "moved" });
    const again = await until("a fresh snapshot at the agent", () => agent.after(beforeKill, "snapshot").find((f) => (tickOf(f) ?? 0) > lastTick));
    const snapshotAt = agent.frames.indexOf(again);
    await until("mutations after the takeover", () => agent.after(snapshotAt, "mutations").length >= 3 || undefined);
    expect(p3.output.some((l) => l.includes('"visit taken over from another server process"'))).toBe(true);

    // Consent held: the visitor was asked once, and the session never ended on either side.
    expect(visitor.received.filter((f) => f.kind === "consent-request")).toHaveLength(1);
    expect(visitor.received.filter((f) => f.kind === "welcome").map((f) => f.session)).toEqual([agent.room, agent.room]);
    expect(agent.frames.some((f) => f.kind === "state" && f.state === "ended")).toBe(false);
    expect(agent.frames.at(-1)?.kind).not.toBe("error");
    await visitor.page.getByText("is viewing this page", { exact: false }).first().waitFor();
    await visitor.page.screenshot({ path: screenshotPath("failover-visitor-after-sigkill") });
    agent.close();
    await visitor.page.context().close();
    await cluster.processes.start(p1);
  }, 90_000);

  it("rolling restart of every server process under co-browse load: the sessions continue, nobody is asked again", async () => {
    const sessions = [await watchedSession(new Set()), await watchedSession(new Set())];
    for (const { agent } of sessions) await until("mutations streaming", () => agent.after(0, "mutations").length >= 3 || undefined);
    // SIGTERM one server process at a time, as a rolling update does, and start it again.
    for (const server of cluster.processes.servers) {
      await cluster.processes.kill(server, "SIGTERM");
      await cluster.processes.start(server);
    }
    for (const { visitor, agent } of sessions) {
      const mark = agent.frames.length;
      const lastTick = Math.max(...agent.frames.map((f) => tickOf(f) ?? 0));
      await until("the page moving on at the agent", () => agent.frames.slice(mark).find((f) => (tickOf(f) ?? 0) > lastTick + 5));
      expect(visitor.received.filter((f) => f.kind === "consent-request")).toHaveLength(1);
      expect(new Set(visitor.received.filter((f) => f.kind === "welcome").map((f) => f.session))).toEqual(new Set([agent.room]));
      expect(agent.frames.some((f) => f.kind === "state" && f.state === "ended")).toBe(false);
      agent.close();
      await visitor.page.context().close();
    }
  }, 150_000);
});
