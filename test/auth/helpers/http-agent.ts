// A tiny browser stand-in for HTTP-level tests: follows redirects by hand, keeps cookies per
// name (the dev IdP and Airlock share 127.0.0.1, as they do in a browser), and sends the
// console's Origin on state-changing requests like a browser would.

export interface Hop {
  readonly url: string;
  readonly status: number;
  readonly location: string | undefined;
  readonly setCookies: readonly string[];
  readonly body: string;
}

export class HttpAgent {
  readonly cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(url: string, init: { method?: string; body?: string; contentType?: string; headers?: Record<string, string> } = {}): Promise<Hop> {
    const method = init.method ?? "GET";
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    if (init.contentType) headers["content-type"] = init.contentType;
    if (method !== "GET" && !("origin" in headers) && url.startsWith(this.origin)) headers.origin = this.origin;
    const res = await fetch(url, { method, headers, body: init.body, redirect: "manual" });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair = ""] = c.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(c) || /expires=Thu, 01 Jan 1970/i.test(c) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const location = res.headers.get("location") ?? undefined;
    return { url, status: res.status, location: location ? new URL(location, url).href : undefined, setCookies, body: await res.text() };
  }

  /** GETs and follows redirects until a non-redirect answer or `stopAt` matches the next URL. */
  async follow(url: string, stopAt?: (next: string) => boolean): Promise<Hop[]> {
    const hops: Hop[] = [];
    let next: string | undefined = url;
    for (let i = 0; next && i < 15; i++) {
      if (stopAt && i > 0 && stopAt(next)) break;
      const hop = await this.request(next);
      hops.push(hop);
      next = hop.status >= 300 && hop.status < 400 ? hop.location : undefined;
    }
    return hops;
  }

  async json(url: string, method = "GET", body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    const hop = await this.request(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body), contentType: "application/json" }) });
    return { status: hop.status, body: hop.body ? (JSON.parse(hop.body) as Record<string, unknown>) : {} };
  }
}
