import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { ConfigError, type ConfigIssue } from "./errors.js";
import { configSchema, envName, type Config, type ConfigKey } from "./schema.js";
import { productionIssues } from "./production.js";
import { keyVaultIssues } from "./key-vault-rules.js";
import { insecureConnectionIssues, operatorConnectionIssues } from "./operator-connection-rules.js";

const schemaKeys = Object.keys(configSchema.shape) as ConfigKey[];
/** Environment variables that are not settings but share the prefix. */
const envNotSettings = new Set(["AIRLOCK_CONFIG"]);

export interface LoadResult {
  readonly config: Config;
  /** AIRLOCK_* variables that match no setting (reported, not fatal: Kubernetes injects such names). */
  readonly unknownEnv: readonly string[];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LoadResult {
  const file = env.AIRLOCK_CONFIG;
  const fromFile = file ? readYamlFile(file) : {};
  const raw: Record<string, unknown> = { ...fromFile };
  const source: Record<string, string> = Object.fromEntries(Object.keys(fromFile).map((k) => [k, `${file}`]));
  for (const key of schemaKeys) {
    const value = env[envName(key)];
    if (value !== undefined && value !== "") {
      raw[key] = value;
      source[key] = envName(key);
    }
  }
  const known = new Set(schemaKeys.map(envName));
  const unknownEnv = Object.keys(env).filter(
    (k) => k.startsWith("AIRLOCK_") && !known.has(k) && !envNotSettings.has(k) && !k.startsWith("AIRLOCK_TEST_"),
  );

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(zodIssues(parsed.error, source));
  const v = parsed.data;
  const config: Config = Object.freeze({
    ...v,
    allowedOrigins: Object.freeze([...v.allowedOrigins]) as string[],
    publicUrl: v.publicUrl ?? `http://${v.host.includes(":") ? `[${v.host}]` : v.host}:${v.port}`,
    databaseUrl: v.databaseUrl ?? `sqlite:${path.join(v.dataDir, "airlock.db")}`,
    keyVaultUrl: v.keyVaultUrl ?? `sqlite:${path.join(v.dataDir, "keyvault.db")}`,
  });
  const issues = [
    ...consistencyIssues(config, source),
    ...operatorConnectionIssues(config, source),
    ...(config.mode === "production" ? [...productionIssues(config, source), ...insecureConnectionIssues(config, source)] : []),
  ];
  if (issues.length > 0) throw new ConfigError(issues);
  return { config, unknownEnv };
}

function readYamlFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError([{ field: "AIRLOCK_CONFIG", source: file, message: `cannot read file: ${(e as Error).message}` }]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => ({ field: "(yaml)", source: file, message: e.message.split("\n")[0] ?? e.message })));
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError([{ field: "(root)", source: file, message: "expected a mapping of setting names to values" }]);
  }
  return value as Record<string, unknown>;
}

function zodIssues(error: z.ZodError, source: Record<string, string>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        out.push({ field: key, source: source[key] ?? "config file", message: "unknown setting" });
      }
      continue;
    }
    const field = String(issue.path[0] ?? "(root)");
    out.push({ field, source: source[field] ?? envName(field), message: issue.message });
  }
  return out;
}

function consistencyIssues(c: Config, source: Record<string, string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (field: ConfigKey, message: string) => issues.push({ field, source: source[field] ?? envName(field), message });
  if (c.idp === "oidc" && !c.oidcIssuer) at("oidcIssuer", "required when idp is oidc");
  if (c.idp === "oidc" && !c.oidcClientId) at("oidcClientId", "required when idp is oidc");
  if (c.oidcClientSecret && c.oidcClientSecretFile) at("oidcClientSecret", "set either oidcClientSecret or oidcClientSecretFile, not both");
  if (c.masterKey && c.masterKeyFile) at("masterKey", "set either masterKey or masterKeyFile, not both");
  if (Boolean(c.tlsCertFile) !== Boolean(c.tlsKeyFile)) at(c.tlsCertFile ? "tlsKeyFile" : "tlsCertFile", "tlsCertFile and tlsKeyFile go together");
  for (const key of ["tlsCertFile", "tlsKeyFile", "oidcClientSecretFile", "masterKeyFile", "webhookSecretsFile"] as const) {
    const f = c[key];
    if (f && !existsSync(f)) at(key, `file not found: ${f}`);
  }
  if (c.policyDir && !existsSync(c.policyDir)) at("policyDir", `folder not found: ${c.policyDir}`);
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(c.databaseUrl)) at("databaseUrl", "must start with sqlite: or postgres://");
  issues.push(...keyVaultIssues(c, source));
  if (c.clamdAddress !== undefined && !/^(unix:\/\S+|tcp:\/\/[^\s/]+:\d{1,5})$/.test(c.clamdAddress)) at("clamdAddress", "must be unix:/absolute/path or tcp://host:port");
  if (c.httpHeadersTimeoutMs > c.httpRequestTimeoutMs) at("httpHeadersTimeoutMs", "must not exceed httpRequestTimeoutMs (the headers are part of the request)");
  for (const origin of c.allowedOrigins) {
    if (origin === "*") continue;
    if (!isExactOrigin(origin)) at("allowedOrigins", `not an exact origin (scheme://host[:port], no path): ${origin}`);
  }
  return issues;
}

export function isExactOrigin(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === "https:" || u.protocol === "http:") && u.origin === value;
  } catch {
    return false;
  }
}
