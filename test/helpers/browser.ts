import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { serviceUrl } from "./services.js";

/** Debian's Chromium, or undefined when it is not installed outside `make test`. */
export const chromiumPath = serviceUrl("AIRLOCK_TEST_CHROMIUM");

// Flags that let headless Chromium run as root on a machine with no outside network.
const flags = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export interface TestBrowser {
  readonly browser: Browser;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  if (!chromiumPath) throw new Error("Chromium is not available");
  // Playwright gives every launch a fresh temporary profile and removes it on close.
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: flags });
  return {
    browser,
    close: () => browser.close(),
  };
}

/** Screenshots land in test-results/screenshots/ so people can look at them after a run. */
export function screenshotPath(name: string): string {
  const dir = path.resolve("test-results", "screenshots");
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}
