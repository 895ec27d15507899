import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../src/http/context.js";
import { defineRoute, type AccessGuard, type RouteAccess, type RouteDef } from "../../src/http/route.js";
import { allRoutes } from "../../src/server/routes/index.js";
import { ACTIONS } from "../../src/policy/actions.js";
import { routeAccessProblems } from "../../src/policy/enforcement.js";
import { policyGuard } from "../../src/policy/http-guard.js";
import { guardTable, isAsksNoPolicy, MessageGuards } from "../../src/policy/message-guards.js";
import { publicRoutes } from "../../src/policy/public-routes.js";
import { AGENT_KINDS } from "../../src/protocol/agent-messages.js";
import { VISITOR_KINDS } from "../../src/protocol/visitor-messages.js";
import { airlockMessageGuards } from "../../src/server/message-guards.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { probeRoutes, unguarded } from "./route-probe.js";

// Invariant 5: deny by default at every route and every message kind. These tests enumerate all
// of them, so adding an endpoint without an access decision fails here.

describe("every HTTP route declares its access", () => {
  it("each route is either listed as public (with a reason) or names a known policy action", () => {
    expect(routeAccessProblems(allRoutes, publicRoutes)).toEqual([]);
  });

  describe("live: each non-public route refuses a request without a principal (401) and a principal without a rule (403)", () => {
    let server: TestServer;
    let services: Services | undefined;
    // The real policy guard, with a principal that has no role injected first.
    const roleless: AccessGuard = (route) => async (ctx, next) => {
      (ctx.state as { principal?: unknown }).principal = { subject: "probe", roles: [], sessionId: "probe", mfa: true };
      if (!services) throw new Error("services not ready");
      await policyGuard(services)(route)(ctx, next);
    };
    let rolelessServer: TestServer;
    beforeAll(async () => {
      server = await startTestServer();
      rolelessServer = await startTestServer({}, { guard: roleless });
      services = rolelessServer.services;
    });
    afterAll(async () => {
      await server.stop();
      await rolelessServer.stop();
    });

    it("401 unauthenticated without a principal", async () => {
      expect(unguarded(await probeRoutes(server, allRoutes))).toEqual([]);
    });

    it("403 default-deny for a principal that no rule covers", async () => {
      const results = await probeRoutes(rolelessServer, allRoutes);
      expect(results.filter((r) => r.status !== 403 || r.code !== "forbidden")).toEqual([]);
    });
  });
});

describe("every WebSocket message kind declares its action", () => {
  it.each([
    ["visitor", VISITOR_KINDS],
    ["agent", AGENT_KINDS],
  ] as const)("%s kinds are all registered with a policy action", (side, kinds) => {
    expect(kinds.length).toBeGreaterThan(0);
    const guards = airlockMessageGuards();
    expect(guards.unguardedKinds(side, kinds)).toEqual([]);
    // Each names a known action, or says why it asks no policy (message-guards.ts `asksNoPolicy`).
    for (const action of guards.tables[side].actions.values()) {
      if (isAsksNoPolicy(action)) expect(action.asksNoPolicy.length).toBeGreaterThan(10);
      else expect(ACTIONS).toContain(action);
    }
  });
});

describe("the enumeration tests catch what they must (tests of the tests)", () => {
  const guarded = defineRoute({ method: "GET", path: "/probe/guarded", access: { action: "audit:read" }, handler: (ctx) => void (ctx.body = { served: true }) });
  const noGuard: AccessGuard = () => async (_ctx, next) => {
    await next();
  };

  it("a route whose guard is removed is reported by the live probe", async () => {
    const open = await startTestServer({}, { routes: [guarded], guard: noGuard });
    const closed = await startTestServer({}, { routes: [guarded] });
    try {
      expect(unguarded(await probeRoutes(open, [guarded]))).toEqual([{ route: "GET /probe/guarded", status: 200, code: undefined }]);
      expect(unguarded(await probeRoutes(closed, [guarded]))).toEqual([]);
    } finally {
      await open.stop();
      await closed.stop();
    }
  });

  it("a route without an action, or with an unknown one, and an unlisted public route are reported", () => {
    const forged = { ...guarded, path: "/probe/forged", access: {} as RouteAccess } as RouteDef<unknown>;
    const unknown = { ...guarded, path: "/probe/unknown", access: { action: "audit:everything" } as unknown as RouteAccess } as RouteDef<unknown>;
    const sneaky = defineRoute({ method: "GET", path: "/probe/public", access: { public: true }, handler: () => undefined });
    expect(routeAccessProblems([forged, unknown, sneaky, guarded], publicRoutes)).toEqual([
      "GET /probe/forged: no policy action",
      "GET /probe/unknown: no policy action",
      "GET /probe/public: public but not listed in src/policy/public-routes.ts",
    ]);
  });

  it("the real guard refuses a route whose access rule is neither public nor an action", async () => {
    const forged = { ...guarded, path: "/probe/forged", access: {} as RouteAccess } as RouteDef<unknown>;
    const s = await startTestServer({}, { routes: [forged] });
    try {
      expect((await fetch(new URL("/probe/forged", s.url))).status).toBe(403);
    } finally {
      await s.stop();
    }
  });

  it("a message kind without an action is reported, and cannot be registered", () => {
    expect(airlockMessageGuards().unguardedKinds("agent", ["made-up-kind"])).toEqual(["made-up-kind"]);
    const none = new MessageGuards({ visitor: guardTable("visitor", [], {}), agent: guardTable("agent", [], {}) });
    expect(none.unguardedKinds("agent", ["join"])).toEqual(["join"]);
    expect(() => guardTable("agent", ["join", "made-up-kind"], { join: "cobrowse:view" } as Record<"join" | "made-up-kind", "cobrowse:view">)).toThrow(
      /message kinds without a policy action \(agent\): made-up-kind/,
    );
  });
});
