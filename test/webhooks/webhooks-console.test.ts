import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateWebhookSecret, verifyWebhook } from "../../src/webhooks/signature.js";
import { axeViolations } from "../helpers/axe.js";
import { chromiumPath } from "../helpers/browser.js";
import { apiAs, consoleSuite, openConsole, storedConversation } from "../console/workspace-harness.js";
import { startReceiver, type Receiver } from "./receiver.js";

// Webhooks end to end on a real Airlock (dev IdP, real policy engine, SQLite) and a CRM
// stand-in on loopback (allowed by this test's policies/webhooks.yaml): a chat's events are
// delivered signed, dead-lettered when the endpoint fails (maxAttempts 1 here), and a supervisor
// retries one from the console's Webhooks page — audited — after which the receiver gets it and
// checks it with the documented verification function. axe-core at both widths.

const suite = chromiumPath ? describe : describe.skip;
const secret = generateWebhookSecret();
const env: Record<string, string> = { AIRLOCK_WEBHOOK_SECRETS: `crm=${secret}` };
let receiver: Receiver;
let policyDir: string;

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

suite("webhooks: delivery, dead-letter list and retry from the console (Chromium)", () => {
  beforeAll(async () => {
    receiver = await startReceiver();
    receiver.answer([], 500);
    policyDir = mkdtempSync(path.join(tmpdir(), "airlock-webhooks-policy-"));
    writeFileSync(
      path.join(policyDir, "webhooks.yaml"),
      [
        "version: 1",
        "subscriptions:",
        `  - { id: crm, url: "${receiver.url}", events: [conversation.started, conversation.assigned, conversation.ended], secret: crm }`,
        "delivery: { maxAttempts: 1, initialBackoffSeconds: 1, maxBackoffSeconds: 1, timeoutSeconds: 5, asvs: [V15.3.2] }",
        "messageText: { allowedHosts: [], asvs: [V14.2.3] }",
        "privateAddresses: { allowedCidrs: [127.0.0.0/8], asvs: [V1.3.6] }",
      ].join("\n"),
    );
    env.AIRLOCK_POLICY_DIR = policyDir;
  });
  const s = consoleSuite(env);
  afterAll(async () => {
    await receiver.close();
    rmSync(policyDir, { recursive: true, force: true });
  });

  it("dead-letters a chat's events when the CRM fails, and a supervisor's retry delivers one, signed and audited", async () => {
    const { conversation } = await storedConversation(s.server, "agent", { visitor: "Is my transfer through?", agent: "Yes, since this morning." });
    const supervisorApi = await apiAs(s.server, "supervisor");
    type Listed = { deliveries: { id: string; eventType: string; state: string; lastOutcome: string | null }[] };
    const dead = await until(async () => {
      const r = await supervisorApi.json(`${s.server.url}/api/v1/webhooks/deliveries?state=dead`);
      const list = (r.body as Listed).deliveries;
      return list.length === 3 ? list : undefined;
    }, "three dead-lettered deliveries");
    expect(dead.map((d) => d.eventType).sort()).toEqual(["conversation.assigned", "conversation.ended", "conversation.started"]);
    expect(dead.every((d) => d.lastOutcome === "http_500")).toBe(true);
    expect(receiver.received).toHaveLength(3);

    const supervisor = await openConsole(s, "supervisor", "/console/webhooks");
    const page = supervisor.page;
    await page.getByRole("heading", { name: "Webhooks", level: 1 }).waitFor();
    const deadTable = page.getByRole("table", { name: "Dead-lettered deliveries" });
    await deadTable.getByRole("row").nth(3).waitFor();
    expect(await page.getByTestId("dead-count").innerText()).toBe("3 deliveries gave up after 1 attempt or a refusal.");
    expect(await deadTable.innerText()).toContain("Endpoint answered HTTP 500");
    await supervisor.shots("webhooks-dead-letter");
    for (const width of [1280, 700]) {
      await page.setViewportSize({ width, height: 800 });
      expect(await axeViolations(page)).toEqual([]);
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    receiver.answer([], 204);
    await deadTable.getByRole("button", { name: "Retry conversation.ended to crm" }).click();
    await page.getByText("Queued conversation.ended to crm again; it is sent at once.").waitFor();
    const redelivered = await until(() => (receiver.received.length === 4 ? receiver.received[3] : undefined), "the retried delivery");
    const payload = verifyWebhook({ secret, headers: redelivered.headers, body: redelivered.body }) as { type: string; data: { conversationId: string } };
    expect(payload).toMatchObject({ type: "conversation.ended", data: { conversationId: conversation } });
    expect(redelivered.body).not.toContain("transfer");
    await until(async () => {
      const r = await supervisorApi.json(`${s.server.url}/api/v1/webhooks/deliveries?state=delivered`);
      return (r.body as Listed).deliveries.length === 1 ? true : undefined;
    }, "the retried delivery recorded as delivered");
    await page.getByRole("button", { name: "Refresh" }).click();
    await page.getByTestId("dead-count").getByText("2 deliveries gave up after 1 attempt or a refusal.").waitFor();
    await page.getByRole("table", { name: "Latest deliveries" }).getByText("Delivered (HTTP 204)").waitFor();
    await supervisor.shots("webhooks-after-retry");
    expect(await axeViolations(page)).toEqual([]);

    const audited = await s.server.services.storage.db.selectFrom("audit_log").select(["actor", "target", "decision"]).where("action", "=", "webhook.retry").execute();
    expect(audited).toEqual([{ actor: expect.stringMatching(/^agent:/) as string, target: `webhook-delivery:${redelivered.headers["webhook-id"] as string}`, decision: "success" }]);
    // Retrying what is not dead-lettered, or no delivery at all, is refused with a specific code.
    expect((await supervisorApi.json(`${s.server.url}/api/v1/webhooks/deliveries/${redelivered.headers["webhook-id"] as string}/retry`, "POST", {})).body).toMatchObject({ error: { code: "conflict" } });
    expect((await supervisorApi.json(`${s.server.url}/api/v1/webhooks/deliveries/00000000-0000-4000-8000-000000000000/retry`, "POST", {})).status).toBe(404);
    expect((await supervisorApi.json(`${s.server.url}/api/v1/webhooks/deliveries/not-an-id/retry`, "POST", {})).body).toMatchObject({ error: { code: "bad_request" } });
    expect((await supervisorApi.json(`${s.server.url}/api/v1/webhooks/deliveries?state=%3Cscript%3E`)).body).toMatchObject({ error: { code: "bad_request" } });
    // Logs carry ids and codes only: never the receiver's answer or the chat's text.
    expect(s.server.logText()).not.toContain("receiver-secret-response");
    expect(s.server.logText()).not.toContain("Is my transfer through?");
    expect(supervisor.problems).toEqual([]);
  });

  it("offers the page to supervisors and admins only; the API refuses an agent", async () => {
    const agent = await openConsole(s, "agent", "/console/");
    expect(await agent.page.getByRole("navigation", { name: "Console" }).getByRole("link").allInnerTexts()).not.toContain("Webhooks");
    const agentApi = await apiAs(s.server, "agent");
    expect((await agentApi.json(`${s.server.url}/api/v1/webhooks/deliveries`)).status).toBe(403);
    expect((await agentApi.json(`${s.server.url}/api/v1/webhooks/deliveries/00000000-0000-4000-8000-000000000000/retry`, "POST", {})).status).toBe(403);
    const admin = await openConsole(s, "admin", "/console/");
    expect(await admin.page.getByRole("navigation", { name: "Console" }).getByRole("link").allInnerTexts()).toContain("Webhooks");
  });
});
