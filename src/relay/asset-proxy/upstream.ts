import type { IncomingMessage } from "node:http";
import { AirlockError } from "../../errors.js";
import type { ResolvedAddress } from "../../http/egress/pinned-address.js";
import { pinnedRequest } from "../../http/egress/pinned-request.js";

// One HTTP exchange with an upstream, connected to the address checked beforehand (pinned-request.ts).
// Only the headers listed here are sent: no cookies, no credentials, no Referer, no client address.

export interface UpstreamRequest {
  readonly url: URL;
  readonly pinned: ResolvedAddress;
  readonly accept: string;
  readonly signal: AbortSignal;
}

export const USER_AGENT = "Airlock-asset-proxy/1";

export function requestUpstream({ url, pinned, accept, signal }: UpstreamRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = pinnedRequest(url, pinned, { method: "GET", headers: { accept, "accept-encoding": "gzip, deflate, br", "user-agent": USER_AGENT }, signal });
    req.once("response", resolve);
    req.once("error", (err) => reject(signal.aborted ? (signal.reason as Error) : new AirlockError("asset_upstream_failed", "the asset host could not be reached", { cause: err })));
    req.end();
  });
}
