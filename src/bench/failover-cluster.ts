import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { shippedPolicyDir } from "../policy/load.js";
import { startFrontDoor, type FrontDoor } from "./front-door.js";
import { freePort } from "./free-port.js";

// What `bench failover` runs on: three `airlock serve` processes of this build on free loopback
// ports, sharing one PostgreSQL database and one Redis, behind two load balancers without
// sticky sessions (visitors' and agents'), and a bank page on its own origin that embeds the
// script from the visitors' door and changes its text ten times a second.

export const BENCH_SITE_KEY = "demo-site-key-0001";
const cliEntry = fileURLToPath(new URL("../cli/main.js", import.meta.url));

export interface BenchProcess {
  readonly port: number;
  child: ChildProcess | undefined;
}

export interface FailoverCluster {
  readonly processes: BenchProcess[];
  readonly visitorDoor: FrontDoor;
  readonly agentDoor: FrontDoor;
  readonly pageUrl: string;
  kill(p: BenchProcess): Promise<void>;
  start(p: BenchProcess): Promise<void>;
  stop(): Promise<void>;
}

const tickerScript = `let n = 0; setInterval(() => { n++; document.getElementById("ticker").textContent = "tick " + n; }, 100);`;

function sitePage(scriptOrigin: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Account overview</title></head><body>
<h1>Account overview</h1><p id="ticker">tick 0</p>
<script src="/ticker.js"></script>
<script src="${scriptOrigin}/siteconnect.js" data-site-key="${BENCH_SITE_KEY}"></script>
</body></html>`;
}

function waitListening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => reject(new Error("a server process did not start within 30 s")), 30_000);
    child.stdout?.on("data", (d: Buffer) => {
      buffer += d.toString();
      if (buffer.includes('"airlock listening"')) {
        clearTimeout(timer);
        resolve();
      }
      buffer = buffer.slice(-4096);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`a server process exited with ${code} before listening`));
    });
  });
}

export async function startFailoverCluster(databaseUrl: string, redisUrl: string): Promise<FailoverCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), "airlock-bench-failover-"));
  const visitorDoor = await startFrontDoor([]);
  const agentDoor = await startFrontDoor([]);
  const site: Server = createHttpServer((req, res) => {
    if (req.url === "/ticker.js") return void res.writeHead(200, { "content-type": "text/javascript" }).end(tickerScript);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(sitePage(visitorDoor.url));
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  const siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  const shippedSites = readFileSync(path.join(shippedPolicyDir, "sites.yaml"), "utf8");
  writeFileSync(path.join(dir, "sites.yaml"), shippedSites.replace("origins: [http://127.0.0.1:8080, http://localhost:8080]", `origins: [${siteOrigin}]`));
  const env = {
    PATH: process.env.PATH ?? "",
    AIRLOCK_DATA_DIR: dir,
    AIRLOCK_POLICY_DIR: dir,
    AIRLOCK_DATABASE_URL: databaseUrl,
    AIRLOCK_REDIS_URL: redisUrl,
    AIRLOCK_MASTER_KEY: `bench-1:${randomBytes(32).toString("base64")}`,
    AIRLOCK_PUBLIC_URL: agentDoor.url,
    AIRLOCK_VISITS_PER_CLIENT_PER_MINUTE: "100000",
    AIRLOCK_CHAT_MESSAGES_PER_MINUTE_PER_VISIT: "1000",
    AIRLOCK_METRICS_PORT: "0",
    AIRLOCK_DEV_IDP_PORT: "0",
    AIRLOCK_LOG_LEVEL: "warn",
  };
  const processes: BenchProcess[] = [];
  const start = async (p: BenchProcess): Promise<void> => {
    const child = spawn(process.execPath, [cliEntry, "serve"], { env: { ...env, AIRLOCK_PORT: String(p.port), AIRLOCK_LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "ignore"] });
    p.child = child;
    await waitListening(child);
    // Log lines are not kept: draining stdout keeps the process from blocking on a full pipe.
    child.stdout?.resume();
  };
  const kill = async (p: BenchProcess): Promise<void> => {
    const child = p.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  };
  const stop = async () => {
    for (const p of processes) await kill(p);
    await visitorDoor.close();
    await agentDoor.close();
    await new Promise<void>((resolve) => site.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3; i++) {
      const p: BenchProcess = { port: await freePort(), child: undefined };
      processes.push(p);
      await start(p);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { processes, visitorDoor, agentDoor, pageUrl: `${siteOrigin}/account`, kill, start, stop };
}
