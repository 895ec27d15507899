import { performance } from "node:perf_hooks";
import type { Browser, Page } from "playwright-core";
import { AirlockError } from "../errors.js";
import { openStorage } from "../storage/db.js";
import { migrateUp } from "../storage/migrate.js";
import { RetryingChatVisitor } from "./failover-chat.js";
import { startFailoverCluster, type FailoverCluster } from "./failover-cluster.js";
import { signInAgent, waitFor, watchPage } from "./fidelity-session.js";

export interface FailoverBenchOptions {
  /** An empty PostgreSQL database (migrated here). */
  readonly postgresUrl: string;
  readonly redisUrl: string;
  readonly rounds: number;
  readonly chromium: string;
  /** Where to save the agent's viewer right after the first failover (PNG), if anywhere. */
  readonly screenshot?: string | undefined;
}

export interface FailoverRound {
  /** From the owner's SIGKILL to the agent's page copy showing the page as it is now again. */
  readonly failoverMs: number;
  readonly chatSent: number;
  readonly chatLost: number;
  readonly chatDuplicated: number;
  /** The sentence the agent's viewer showed about it. */
  readonly agentTold: string;
}

export interface FailoverBenchResult {
  readonly rounds: FailoverRound[];
  readonly failover_ms_median: number;
  readonly failover_ms_max: number;
  readonly chat_sent: number;
  readonly chat_lost: number;
  readonly chat_duplicated: number;
}

// 10 messages a second, within the per-visit quota the cluster is given (1,000 a minute).
const CHAT_EVERY_MS = 100;

/** The highest "tick N" the agent's page copy shows now. */
async function copyTick(agent: Page): Promise<number | undefined> {
  const text = await agent.evaluate(() => document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument?.body?.textContent ?? "");
  const m = /tick (\d+)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

async function round(cluster: FailoverCluster, browser: Browser, agent: Page, n: number, databaseUrl: string, screenshot: string | undefined): Promise<FailoverRound> {
  const victim = cluster.processes[n % cluster.processes.length];
  if (!victim) throw new Error("no server process");
  const others = cluster.processes.filter((p) => p !== victim).map((p) => p.port);
  // The visitor (and the chat) land on the victim; the agent's console on another process.
  cluster.visitorDoor.order = [victim.port, ...others];
  cluster.agentDoor.order = [...others, victim.port];
  const watched = await watchPage(browser, agent, cluster.agentDoor.url, cluster.pageUrl);
  const chat = new RetryingChatVisitor(cluster.visitorDoor.url, new URL(cluster.pageUrl).origin);
  try {
    chat.open();
    await waitFor(() => Promise.resolve(chat.conversation), "the chat did not start");
    chat.startSending(CHAT_EVERY_MS);
    const before = await waitFor(async () => ((await copyTick(agent)) ?? 0) > 3 ? copyTick(agent) : undefined, "the page copy did not stream");
    await new Promise((r) => setTimeout(r, 500));
    const lastTick = (await copyTick(agent)) ?? before;
    const killedAt = performance.now();
    await cluster.kill(victim);
    await waitFor(async () => ((await copyTick(agent)) ?? 0) > lastTick ? true : undefined, "the page did not come back to the agent", 60_000);
    const failoverMs = Math.round(performance.now() - killedAt);
    const agentTold = await agent.locator(".cb-notice").innerText().catch(() => "");
    if (screenshot && n === 0) await agent.screenshot({ path: screenshot });
    await new Promise((r) => setTimeout(r, 1000));
    chat.stopSending();
    await waitFor(() => Promise.resolve(chat.pending.size === 0 ? true : undefined), "chat messages stayed unacknowledged", 20_000).catch(() => undefined);
    const { chatLost, chatDuplicated } = await countChat(databaseUrl, chat);
    return { failoverMs, chatSent: chat.sent.size, chatLost, chatDuplicated, agentTold };
  } finally {
    chat.close();
    await watched.close();
    await cluster.start(victim);
  }
}

/** Lost: sent and never stored. Duplicated: stored more than once, or acknowledged with two sequence numbers. */
async function countChat(databaseUrl: string, chat: RetryingChatVisitor): Promise<{ chatLost: number; chatDuplicated: number }> {
  const storage = openStorage(databaseUrl);
  try {
    const rows = await storage.db
      .selectFrom("chat_message")
      .select(["client_id", (eb) => eb.fn.countAll<number>().as("n")])
      .where("conversation_id", "=", chat.conversation ?? "")
      .groupBy("client_id")
      .execute();
    const stored = new Map(rows.map((r) => [r.client_id, Number(r.n)]));
    const chatLost = [...chat.sent].filter((id) => !stored.has(id)).length;
    let chatDuplicated = 0;
    for (const n of stored.values()) chatDuplicated += n - 1;
    for (const seqs of chat.acked.values()) chatDuplicated += seqs.size - 1;
    return { chatLost, chatDuplicated };
  } finally {
    await storage.close();
  }
}

/**
 * `bench failover`: three server processes behind load balancers without sticky sessions; in
 * each round a visitor (Chromium, the real script) shares a streaming page with an agent (the
 * real console) while a second visitor chats, then the server process owning both is SIGKILLed.
 */
export async function runFailoverBench(options: FailoverBenchOptions): Promise<FailoverBenchResult> {
  // A dev dependency, loaded only when this benchmark runs: the image's CLI starts without it.
  const { chromium } = await import("playwright-core").catch((err: unknown) => {
    throw new AirlockError("bad_request", "playwright-core is not installed (a dev dependency): run npm install", { cause: err });
  });
  const storage = openStorage(options.postgresUrl);
  try {
    const outcome = await migrateUp(storage);
    if (!outcome.ok) throw new Error(`migration failed: ${outcome.error}`);
  } finally {
    await storage.close();
  }
  const cluster = await startFailoverCluster(options.postgresUrl, options.redisUrl);
  let browser: Browser | undefined;
  const rounds: FailoverRound[] = [];
  try {
    browser = await chromium.launch({ executablePath: options.chromium, headless: true, args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"] });
    const [p1, p2, p3] = cluster.processes.map((p) => p.port);
    cluster.agentDoor.order = [p2 ?? 0, p3 ?? 0, p1 ?? 0];
    const agent = await signInAgent(browser, cluster.agentDoor.url);
    for (let n = 0; n < options.rounds; n++) rounds.push(await round(cluster, browser, agent, n, options.postgresUrl, options.screenshot));
  } finally {
    await browser?.close();
    await cluster.stop();
  }
  const times = rounds.map((r) => r.failoverMs).sort((a, b) => a - b);
  return {
    rounds,
    failover_ms_median: times[Math.floor(times.length / 2)] ?? 0,
    failover_ms_max: times.at(-1) ?? 0,
    chat_sent: rounds.reduce((n, r) => n + r.chatSent, 0),
    chat_lost: rounds.reduce((n, r) => n + r.chatLost, 0),
    chat_duplicated: rounds.reduce((n, r) => n + r.chatDuplicated, 0),
  };
}
