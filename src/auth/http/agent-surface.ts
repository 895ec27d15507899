/** Paths that only agents use: the network allowlist and the Origin check guard them. */
export function isAgentSurface(path: string): boolean {
  if (path === "/auth/backchannel-logout") return false; // server-to-server from the IdP
  return (
    path.startsWith("/auth/") ||
    path === "/console" ||
    path.startsWith("/console/") ||
    /^\/api\/v1\/(me|mfa|sessions|ws-ticket)(\/|$)/.test(path)
  );
}
