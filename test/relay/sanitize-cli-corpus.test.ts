import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AssetUrlSigner } from "../../src/relay/sanitizer/asset-url.js";
import { readAllowlist } from "../../src/relay/sanitizer/policy-allowlist.js";
import { Sanitizer } from "../../src/relay/sanitizer/sanitizer.js";
import { chromiumPath, launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { allPayloads } from "./helpers/corpora.js";
import { renderAndInspect } from "./helpers/inspect-rendering.js";

// `bin/airlock sanitize` on every payload of the three XSS corpora, rendered in Chromium without
// any sandbox or CSP: no script may run and no request may leave for anything but the asset proxy.
// The CLI binary runs on a sample and must print exactly what the in-process sanitizer (the
// relay's code path) produces for all of them.

const PUBLIC_URL = "http://127.0.0.1:8080";
const PROXY_PREFIX = `${PUBLIC_URL}/relay/v1/asset?`;
const BASE_URL = "https://bank.example/account/";
const payloads = allPayloads();

function cliSanitize(input: string): string {
  return execFileSync(path.resolve("bin/airlock"), ["sanitize", "--base-url", BASE_URL], {
    input,
    env: { ...process.env, AIRLOCK_PUBLIC_URL: PUBLIC_URL, AIRLOCK_CONFIG: "" },
    encoding: "utf8",
  });
}

describe("bin/airlock sanitize", () => {
  const sanitizer = new Sanitizer({
    allowlist: readAllowlist(path.resolve("policies")),
    signer: new AssetUrlSigner(PUBLIC_URL),
    site: { id: "cli", origins: [new URL(BASE_URL).origin] },
    maskSelectors: [],
  });
  const sanitized = payloads.map((p) => ({ name: p.name, html: sanitizer.html(p.payload, BASE_URL, { parent: 0, svg: false }).html, trigger: p.trigger }));

  it("covers all three corpora", () => {
    expect(payloads.length).toBeGreaterThan(450);
  });

  it("prints the relay's output (same code path and policies), signatures aside", () => {
    const strip = (s: string) => s.replace(/h=[A-Za-z0-9_-]{43}/g, "h=SIG").trim();
    for (const i of [0, 7, 42, 100, 223, 300, 371, 400, 470]) {
      const p = payloads[i];
      if (!p) continue;
      expect(strip(cliSanitize(p.payload)), p.name).toBe(strip(sanitized[i]?.html ?? ""));
    }
  }, 120_000); // nine CLI processes, each starting Node

  describe.skipIf(!chromiumPath)("rendered in Chromium without sandbox or CSP", () => {
    let browser: TestBrowser;
    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterAll(async () => browser?.close());

    it("runs no script and requests nothing but the asset proxy, for every payload", async () => {
      const findings = [];
      for (let start = 0; start < sanitized.length; start += 60) {
        const page = await browser.browser.newPage();
        findings.push(...(await renderAndInspect(page, sanitized.slice(start, start + 60), PROXY_PREFIX)));
        await page.close();
      }
      expect(findings).toEqual([]);
    });
  });
});
