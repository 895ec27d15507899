// Routes that answer without an authenticated agent, each with the reason it must be public.
// The enumeration test (test/policy/enforcement.test.ts) fails when a route declares
// `access: { public: true }` without an entry here, so a public endpoint is always deliberate.
export const publicRoutes: Readonly<Record<string, string>> = {
  "GET /": "landing page with links to the health endpoints; no data",
  "GET /assets/site.css": "stylesheet of the public pages",
  "GET /healthz": "liveness probe for the orchestrator",
  "GET /readyz": "readiness probe for the orchestrator and load balancer",
  "POST /api/v1/csp-report": "browsers send CSP violation reports without credentials",
};

export function routeKey(method: string, path: string): string {
  return `${method} ${path}`;
}
