import { z } from "zod";
import { WEBHOOK_EVENT_TYPES } from "../../webhooks/event-types.js";
import { asvsRefs, policyVersion } from "./asvs.js";
import { cidr } from "./network.js";

/**
 * Signed webhooks (docs/webhooks.md): where Airlock tells a CRM about conversations and co-browse
 * sessions. Payloads carry metadata only; message text goes only to a subscription that asks for
 * it AND whose host is listed in `messageText.allowedHosts`. Secrets are never in this file: a
 * subscription names one (`secret`) that the config's webhookSecrets / webhookSecretsFile holds.
 */
const endpoint = z.url({ protocol: /^https?$/, error: (i) => `not an http(s) URL: ${String(i.input)}` }).refine((u) => {
  const url = new URL(u);
  return url.username === "" && url.password === "" && url.hash === "";
}, "an endpoint URL carries no user name, password or fragment (the secret signs requests instead)");

const subscription = z.strictObject({
  /** Short name, shown in the delivery log and the console. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, "a subscription id is 1-48 lowercase letters, digits and dashes"),
  url: endpoint,
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES, { error: (i) => `not a webhook event: ${String(i.input)}` })).min(1),
  /** The name of a secret in the config (webhookSecrets / webhookSecretsFile), never the secret itself. */
  secret: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a secret name is 1-64 letters, digits, dashes and underscores"),
  /** Adds the visible messages to `conversation.ended`, only if the URL's host is in messageText.allowedHosts. */
  includeMessageText: z.boolean().default(false),
});

export const webhooksSchema = z.strictObject({
  version: policyVersion,
  subscriptions: z.array(subscription).max(50),
  delivery: z.strictObject({
    /** Attempts per event and subscription, the first included; then the delivery is dead-lettered. */
    maxAttempts: z.number().int().min(1).max(30),
    /** Wait before the second attempt; doubles each time (with jitter) up to maxBackoffSeconds. */
    initialBackoffSeconds: z.number().int().min(1).max(3600),
    maxBackoffSeconds: z.number().int().min(1).max(86_400),
    /** Time limit for one attempt (connect, send, response head). */
    timeoutSeconds: z.number().int().min(1).max(60),
    asvs: asvsRefs,
  }),
  messageText: z.strictObject({
    /** Exact host names message text may be sent to. */
    allowedHosts: z.array(z.string().regex(/^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/, "a host name in lowercase, without scheme or port")),
    asvs: asvsRefs,
  }),
  privateAddresses: z.strictObject({
    /** Ranges endpoints may resolve to although private, loopback or link-local (an in-house CRM). Empty: only public addresses. */
    allowedCidrs: z.array(cidr),
    asvs: asvsRefs,
  }),
});

export type WebhooksPolicy = z.output<typeof webhooksSchema>;
export type WebhookSubscription = WebhooksPolicy["subscriptions"][number];
