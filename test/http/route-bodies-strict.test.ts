import { describe, expect, it } from "vitest";
import { allRoutes } from "../../src/server/routes/index.js";
import type { RouteDef } from "../../src/http/route.js";

// Mass assignment (ASVS V15.3.3): a request body may carry only the fields its route's schema
// names. Every route that takes a body is checked with a valid sample plus one field the route
// does not expect; a new route with a body must add its sample here.

const VISITOR = "v".repeat(22);
const samples: Record<string, unknown> = {
  "POST /api/v1/mfa/enrollment/confirm": { code: "000000" },
  "POST /api/v1/mfa/challenge": { code: "000000" },
  "POST /api/v1/mfa/recovery": { code: "0000-0000-0000" },
  "POST /api/v1/me/mfa/reset": { code: "000000" },
  "POST /api/v1/me/recovery-codes": { code: "000000" },
  "POST /api/v1/gdpr/export": { visitor: VISITOR },
  "POST /api/v1/gdpr/erase": { visitor: VISITOR },
  "POST /api/v1/chat/canned-responses": { team: "*", title: "Greeting", body: "Hello" },
  "PUT /api/v1/chat/canned-responses/:id": { title: "Greeting", body: "Hello" },
  "POST /api/v1/keys/rotate": {},
  "POST /api/v1/webhooks/deliveries/:id/retry": {},
};
// A browser's CSP violation report carries whatever fields the browser adds; Airlock reads a few
// named ones, stores nothing and never writes a report's fields anywhere.
const openByDesign = new Set(["POST /api/v1/csp-report"]);

const keyOf = (r: RouteDef<unknown>) => `${r.method} ${r.path}`;
const withBody = allRoutes.filter((r) => r.body !== undefined && !openByDesign.has(keyOf(r)));

describe("route body schemas refuse fields the route does not expect", () => {
  it("has a valid sample for every route that takes a body, and the sample is accepted", () => {
    const missing = withBody.map(keyOf).filter((k) => !(k in samples));
    expect(missing).toEqual([]);
    const refused = withBody.filter((r) => !r.body?.safeParse(samples[keyOf(r)]).success).map(keyOf);
    expect(refused).toEqual([]);
  });

  it("refuses an extra field on every route that takes a body", () => {
    // JSON.parse makes __proto__ an own field, as a JSON body would.
    const extras: object[] = [{ role: "admin" }, { agentId: "someone-else" }, JSON.parse('{"__proto__": {"admin": true}}') as object, { constructor: { prototype: { admin: true } } }];
    const accepted = withBody.flatMap((r) =>
      extras.filter((extra) => r.body?.safeParse({ ...(samples[keyOf(r)] as object), ...extra }).success).map((extra) => `${keyOf(r)} accepts ${Object.keys(extra).join(",")}`),
    );
    expect(accepted).toEqual([]);
  });
});
