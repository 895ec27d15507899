// Airlock writes its cookies by hand so every attribute is exactly what the design says:
// the session cookie is `__Host-` prefixed, Secure, HttpOnly, SameSite=Strict, Path=/ and has
// no Expires/Max-Age (the browser forgets it when it closes; the server enforces timeouts).
// Chromium accepts Secure cookies over http://127.0.0.1 and http://localhost, so dev works too.

export const sessionCookieName = "__Host-airlock";
export const loginCookieName = "__Host-airlock-login";
/** The login transaction lives a few minutes; SameSite=Lax so it survives the IdP's redirect back. */
export const loginCookieMaxAgeSeconds = 300;

export function sessionCookie(value: string): string {
  return `${sessionCookieName}=${value}; Path=/; Secure; HttpOnly; SameSite=Strict`;
}

export function loginCookie(value: string): string {
  return `${loginCookieName}=${value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${loginCookieMaxAgeSeconds}`;
}

/** Deleting a cookie needs a date in the past; this is the only cookie write that carries one. */
export function clearedCookie(name: string, sameSite: "Strict" | "Lax"): string {
  return `${name}=; Path=/; Secure; HttpOnly; SameSite=${sameSite}; Max-Age=0`;
}

/** Reads one cookie; a name sent twice (a planted duplicate) yields no value at all. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let found: string | undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    if (found !== undefined) return undefined;
    found = part.slice(eq + 1).trim();
  }
  return found;
}
