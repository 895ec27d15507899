import type { ConfigIssue } from "./errors.js";
import { envName, type Config, type ConfigKey } from "./schema.js";

/** Dev conveniences that production refuses, each reported against the setting that enables it. */
export function productionIssues(c: Config, source: Record<string, string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (field: ConfigKey, message: string) => issues.push({ field, source: source[field] ?? envName(field), message });
  if (c.idp === "dev") at("idp", "the built-in dev IdP is not allowed in production; set idp=oidc with an external IdP");
  if (!source.publicUrl) at("publicUrl", "required in production (the https URL agents and visitors use)");
  else if (!c.publicUrl.startsWith("https://")) at("publicUrl", "must be an https:// URL in production");
  if (c.allowedOrigins.some((o) => o.includes("*"))) at("allowedOrigins", "wildcard origins are not allowed in production");
  if (!c.masterKey && !c.masterKeyFile) at("masterKeyFile", "an encryption master key is required in production (masterKeyFile or masterKey)");
  if (/^postgres(ql)?:\/\//.test(c.databaseUrl) && !source.keyVaultUrl) at("keyVaultUrl", "required in production when databaseUrl is PostgreSQL: a separate PostgreSQL database for the chat key vault (e.g. postgres://…/airlock_keys)");
  if (c.idp === "oidc" && !c.oidcClientSecret && !c.oidcClientSecretFile) at("oidcClientSecretFile", "an OIDC client secret is required in production");
  if (c.assetProxyAllowLoopback) at("assetProxyAllowLoopback", "the asset proxy may not fetch from loopback addresses in production");
  return issues;
}
