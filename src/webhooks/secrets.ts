import { readFileSync } from "node:fs";
import type { Config } from "../config/schema.js";
import { ConfigError, type ConfigIssue } from "../config/errors.js";
import type { WebhooksPolicy } from "../policy/schema/webhooks.js";
import { secretKey } from "./signature.js";

/** Signing secrets by name, from the config (webhookSecrets, webhookSecretsFile); never from policy. */
export type WebhookSecrets = ReadonlyMap<string, string>;

/**
 * Reads the secrets and checks that every subscription's secret exists and is well formed: a
 * missing or malformed one stops the start (ConfigError naming the setting), never a delivery
 * signed with nothing.
 */
export function loadWebhookSecrets(config: Pick<Config, "webhookSecrets" | "webhookSecretsFile">, policy: WebhooksPolicy): WebhookSecrets {
  const issues: ConfigIssue[] = [];
  const secrets = new Map<string, string>();
  const add = (entry: string, source: string, field: string) => {
    const eq = entry.indexOf("=");
    const name = entry.slice(0, eq).trim();
    const value = entry.slice(eq + 1).trim();
    if (eq < 1 || !/^[A-Za-z0-9_-]{1,64}$/.test(name)) return issues.push({ field, source, message: "each entry is NAME=whsec_BASE64" });
    try {
      secretKey(value);
    } catch (err) {
      return issues.push({ field, source, message: `secret ${name}: ${(err as Error).message}` });
    }
    if (secrets.has(name)) return issues.push({ field, source, message: `secret ${name} is given twice` });
    secrets.set(name, value);
  };
  for (const entry of config.webhookSecrets) add(entry, "AIRLOCK_WEBHOOK_SECRETS", "webhookSecrets");
  if (config.webhookSecretsFile) {
    const file = config.webhookSecretsFile;
    for (const line of readFileSync(file, "utf8").split("\n")) if (line.trim() !== "" && !line.trim().startsWith("#")) add(line, file, "webhookSecretsFile");
  }
  for (const s of policy.subscriptions) {
    if (!secrets.has(s.secret)) issues.push({ field: "webhookSecrets", source: "policies/webhooks.yaml", message: `subscription ${s.id} names secret ${s.secret}, which no setting holds` });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return secrets;
}
