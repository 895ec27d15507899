// Routes that answer without an authenticated agent, each with the reason it must be public.
// The enumeration test (test/policy/enforcement.test.ts) fails when a route declares
// `access: { public: true }` without an entry here, so a public endpoint is always deliberate.
export const publicRoutes: Readonly<Record<string, string>> = {
  "GET /": "landing page with links to the health endpoints; no data",
  "GET /assets/site.css": "stylesheet of the public pages",
  "GET /healthz": "liveness probe for the orchestrator",
  "GET /readyz": "readiness probe for the orchestrator and load balancer",
  "GET /assets/favicon.svg": "site icon",
  "GET /favicon.ico": "site icon (browsers ask for it unprompted)",
  "POST /api/v1/csp-report": "browsers send CSP violation reports without credentials",
  "GET /auth/login": "starts the OIDC login (authentication itself cannot require a login)",
  "GET /auth/callback": "OIDC redirect target; checked by state, nonce and PKCE",
  "POST /auth/logout": "ends the caller's own session, if any",
  "POST /auth/backchannel-logout": "called by the IdP with a signed logout token",
  "GET /v1/chat-files/:id": "a visitor's chat attachment download; the address itself is the credential (short-lived, signed with a key derived from the conversation's data key)",
  "GET /siteconnect.js": "the visitor script that registered sites embed",
  "GET /demo": "demo shop page embedding the visitor script (dev mode)",
  "GET /demo/checkout": "demo shop page (dev mode)",
  "GET /demo/account": "demo shop page (dev mode)",
  "GET /demo/guide": "demo shop page (dev mode)",
  "GET /demo/shop.css": "demo shop stylesheet (dev mode)",
  "GET /demo/identity-token": "the demo shop's backend signing a short-lived identity token for its demo customer (dev mode)",
  "GET /demo/shop.js": "demo shop script (dev mode)",
  "GET /demo/img/:name": "demo shop images (dev mode)",
  "GET /cobrowse/replay-frame": "the empty document the sandboxed replay iframe starts from; carries no data",
  "GET /scim/v2/ServiceProviderConfig": "SCIM provisioning by an IdP: authenticated by that IdP's bearer token (src/scim/http/scim-route.ts), not a login session",
  "GET /scim/v2/ResourceTypes": "SCIM provisioning by an IdP: authenticated by that IdP's bearer token (src/scim/http/scim-route.ts), not a login session",
  "GET /scim/v2/Schemas": "SCIM provisioning by an IdP: authenticated by that IdP's bearer token (src/scim/http/scim-route.ts), not a login session",
  "GET /scim/v2/Users": "SCIM provisioning by an IdP: authenticated by that IdP's bearer token (src/scim/http/scim-route.ts), not a login session",
  "POST /scim/v2/Users": "SCIM provisioning by an IdP: authenticated by that IdP's bearer token (src/scim/http/scim-route.ts), not a login session",
  "GET /scim/v2/Users/:id": "SCIM provisioning by an IdP: authenticated by that IdP's bearer token (src/scim/http/scim-route.ts), not a login session",
  "PUT /scim/v2/Users/:id": "SCIM provisioning by an IdP: authenticated by that IdP's bearer token (src/scim/http/scim-route.ts), not a login session",
  "PATCH /scim/v2/Users/:id": "SCIM provisioning by an IdP: authenticated by that IdP's bearer token (src/scim/http/scim-route.ts), not a login session",
  "DELETE /scim/v2/Users/:id": "SCIM provisioning by an IdP: authenticated by that IdP's bearer token (src/scim/http/scim-route.ts), not a login session",
  "GET /scim/v2/Groups": "SCIM provisioning by an IdP: authenticated by that IdP's bearer token (src/scim/http/scim-route.ts), not a login session",
  "POST /scim/v2/Groups": "SCIM provisioning by an IdP: authenticated by that IdP's bearer token (src/scim/http/scim-route.ts), not a login session",
  "GET /scim/v2/Groups/:id": "SCIM provisioning by an IdP: authenticated by that IdP's bearer token (src/scim/http/scim-route.ts), not a login session",
  "PUT /scim/v2/Groups/:id": "SCIM provisioning by an IdP: authenticated by that IdP's bearer token (src/scim/http/scim-route.ts), not a login session",
  "PATCH /scim/v2/Groups/:id": "SCIM provisioning by an IdP: authenticated by that IdP's bearer token (src/scim/http/scim-route.ts), not a login session",
  "DELETE /scim/v2/Groups/:id": "SCIM provisioning by an IdP: authenticated by that IdP's bearer token (src/scim/http/scim-route.ts), not a login session",
  "GET /console": "redirects to /console/",
  "GET /console/assets/:name": "the console's built script and stylesheet; no data",
  "GET /console/{*page}": "the console shell page; it carries no data and asks the API (which is guarded) for everything",
};

export function routeKey(method: string, path: string): string {
  return `${method} ${path}`;
}
