import type { RouteDef } from "../../src/http/route.js";

export interface ProbeResult {
  readonly route: string;
  readonly status: number;
  readonly code: string | undefined;
}

/** Calls every non-public route the way the console in a browser would (its origin, no session). */
export async function probeRoutes(server: { readonly url: string; readonly config: { readonly publicUrl: string } }, routes: readonly RouteDef<unknown>[]): Promise<ProbeResult[]> {
  const baseUrl = server.url;
  const origin = new URL(server.config.publicUrl).origin;
  const results: ProbeResult[] = [];
  for (const route of routes) {
    if ("public" in route.access) continue;
    const path = route.path.replace(/:([A-Za-z_]+)/g, "probe-$1");
    const res = await fetch(new URL(path, baseUrl), {
      method: route.method,
      redirect: "manual",
      headers: { origin, "sec-fetch-site": "same-origin", ...(route.method === "GET" ? {} : { "content-type": "application/json" }) },
      ...(route.method === "GET" ? {} : { body: "{}" }),
    });
    const body = (await res.json().catch(() => undefined)) as { error?: { code?: string } } | undefined;
    results.push({ route: `${route.method} ${route.path}`, status: res.status, code: body?.error?.code });
  }
  return results;
}

/** Routes that did not answer 401 unauthenticated: their handler may have run without a principal. */
export function unguarded(results: readonly ProbeResult[]): ProbeResult[] {
  return results.filter((r) => r.status !== 401 || r.code !== "unauthenticated");
}
