import { rmSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { freePort } from "../helpers/ports.js";
import type { StartOptions } from "../../src/server/server.js";
import { launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { policyDir, replaceOnce, shipped } from "../policy/policy-dir.js";
import { buildConsoleBundle, buildVisitorBundle } from "../visitor/host-site.js";

// Airlock as `make run` starts it (dev mode, dev IdP, demo shop at /demo, asset proxy allowed to
// fetch the demo's own loopback assets), on a free loopback port. The shipped sites.yaml
// registers the demo site for port 8080 only; the origin check stays exact, so the test gives
// Airlock a policy folder whose sites.yaml registers this server's own origin instead.

export const SHIPPED_DEMO_ORIGINS = "origins: [http://127.0.0.1:8080, http://localhost:8080]";
export const DEMO_SITE_KEY = "demo-site-key-0001";

export interface DemoAirlock {
  readonly server: TestServer;
  /** The server's origin, registered as the demo site's only origin. */
  readonly origin: string;
  readonly policyDir: string;
  stop(): Promise<void>;
}

/** The shipped sites.yaml with the demo site moved to `origin`. */
export function demoSitesYaml(origin: string): string {
  return replaceOnce(shipped("sites.yaml"), SHIPPED_DEMO_ORIGINS, `origins: [${origin}]`);
}

/**
 * Starts Airlock with the demo site registered at its own origin. `policies` adds or replaces
 * further policy files of the override folder (name → text); `start` passes server options (a
 * manual relay clock).
 */
export async function startDemoAirlock(
  options: { env?: Record<string, string>; policies?: (origin: string) => Record<string, string>; start?: StartOptions } = {},
): Promise<DemoAirlock> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const dir = policyDir({ "sites.yaml": demoSitesYaml(origin), ...options.policies?.(origin) });
  const server = await startTestServer({
    AIRLOCK_PORT: String(port),
    AIRLOCK_POLICY_DIR: dir,
    AIRLOCK_ASSET_PROXY_ALLOW_LOOPBACK: "true",
    ...options.env,
  }, options.start);
  return {
    server,
    origin,
    policyDir: dir,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a Chromium suite on the demo Airlock uses: the server and one browser (valid inside its tests). */
export interface DemoInBrowser {
  readonly demo: DemoAirlock;
  readonly browser: Browser;
}

/**
 * Registers the suite's hooks: build the visitor script and console bundles, start the demo
 * Airlock (with `options`) and Chromium before the tests, and stop both after them.
 */
export function demoInBrowser(options?: Parameters<typeof startDemoAirlock>[0]): DemoInBrowser {
  let demo: DemoAirlock | undefined;
  let tb: TestBrowser | undefined;
  beforeAll(async () => {
    buildVisitorBundle();
    buildConsoleBundle();
    demo = await startDemoAirlock(options);
    tb = await launchBrowser();
  });
  afterAll(async () => {
    await tb?.close();
    await demo?.stop();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started: use it inside a test`);
    return value;
  };
  return {
    get demo() {
      return ready(demo, "the demo Airlock");
    },
    get browser() {
      return ready(tb, "Chromium").browser;
    },
  };
}
