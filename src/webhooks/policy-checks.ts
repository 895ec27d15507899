import type { WebhooksPolicy } from "../policy/schema/webhooks.js";

type FieldPath = readonly (string | number)[];

/** webhooks.yaml rules across fields: unique subscription ids; production sends only over https. */
export function webhookIssues(policy: WebhooksPolicy, mode: "dev" | "production", at: (path: FieldPath, message: string) => void): void {
  const seen = new Set<string>();
  policy.subscriptions.forEach((s, i) => {
    if (seen.has(s.id)) at(["subscriptions", i, "id"], `duplicate subscription id: ${s.id}`);
    seen.add(s.id);
    if (mode === "production" && !s.url.startsWith("https://")) at(["subscriptions", i, "url"], `production mode requires an https endpoint: ${s.url}`);
  });
  if (policy.delivery.initialBackoffSeconds > policy.delivery.maxBackoffSeconds) {
    at(["delivery", "initialBackoffSeconds"], "must not exceed maxBackoffSeconds");
  }
}
