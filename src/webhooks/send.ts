import type { AddressRules } from "../http/egress/address-policy.js";
import { resolveAllowed, type HostLookup } from "../http/egress/pinned-address.js";
import { pinnedRequest } from "../http/egress/pinned-request.js";

// One delivery attempt: a POST to the endpoint, connected to the address checked beforehand (the
// outbound guard in src/http/egress, shared with the asset proxy: no private, loopback,
// link-local or metadata address unless policy names its range). A redirect is an answer, never
// followed. Only the status is kept; the response body is discarded unread.

export const USER_AGENT = "Airlock-webhooks/1";

export interface SendRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
  readonly rules: AddressRules;
  readonly lookup: HostLookup;
}

/** `delivered` for a 2xx answer; otherwise why not (`http_500`, `timeout`, `address_refused`…). */
export type SendOutcome = { readonly statusCode: number | null; readonly outcome: string; readonly permanent: boolean };

export async function sendWebhook(req: SendRequest): Promise<SendOutcome> {
  const url = new URL(req.url);
  const pinned = await resolveAllowed(url.hostname, req.lookup, req.rules);
  if (!pinned.ok) return pinned.reason === "refused" ? { statusCode: null, outcome: "address_refused", permanent: true } : { statusCode: null, outcome: "dns_failed", permanent: false };
  const signal = AbortSignal.timeout(req.timeoutMs);
  return new Promise<SendOutcome>((resolve) => {
    const request = pinnedRequest(url, pinned.pinned, {
      method: "POST",
      headers: { ...req.headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(req.body)), "user-agent": USER_AGENT },
      signal,
    });
    request.once("response", (res) => {
      const status = res.statusCode ?? 0;
      res.destroy();
      resolve({ statusCode: status, outcome: status >= 200 && status < 300 ? "delivered" : `http_${status}`, permanent: false });
    });
    request.once("error", () => resolve({ statusCode: null, outcome: signal.aborted ? "timeout" : "connect_failed", permanent: false }));
    request.end(req.body);
  });
}
