import { secretKeys, type Config } from "./schema.js";

/** The effective config with secrets hidden, safe to print or log. */
export function maskedConfig(c: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(c)) {
    if (value === undefined) continue;
    if (!secretKeys.has(key as keyof Config)) out[key] = value;
    else if (typeof value === "string" && /^[a-z]+:\/\//.test(value)) out[key] = maskUrlCredentials(value);
    else if (typeof value === "string" && value.startsWith("sqlite:")) out[key] = value;
    else out[key] = "********";
  }
  return out;
}

export function maskUrlCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "********";
    return u.toString();
  } catch {
    return "********";
  }
}
