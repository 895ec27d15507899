import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { AirlockError } from "../../errors.js";
import { pinnedLookup, type ResolvedAddress } from "../../http/egress/pinned-address.js";

// One HTTP exchange with an upstream, connected to an address resolved beforehand: the socket's
// DNS lookup is replaced by the pinned answer, so the name cannot resolve differently between the
// check and the connection (DNS rebinding). TLS still verifies the certificate for the host name.
// Only the headers listed here are sent: no cookies, no credentials, no Referer, no client address.

export interface UpstreamRequest {
  readonly url: URL;
  readonly pinned: ResolvedAddress;
  readonly accept: string;
  readonly signal: AbortSignal;
}

export const USER_AGENT = "Airlock-asset-proxy/1";

export function requestUpstream({ url, pinned, accept, signal }: UpstreamRequest): Promise<IncomingMessage> {
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send({
      protocol: url.protocol,
      hostname,
      port: url.port === "" ? undefined : Number(url.port),
      path: url.pathname + url.search,
      method: "GET",
      headers: { accept, "accept-encoding": "gzip, deflate, br", "user-agent": USER_AGENT },
      agent: false,
      lookup: pinnedLookup(pinned),
      maxHeaderSize: 16 * 1024,
      signal,
    });
    req.once("response", resolve);
    req.once("error", (err) => reject(signal.aborted ? (signal.reason as Error) : new AirlockError("asset_upstream_failed", "the asset host could not be reached", { cause: err })));
    req.end();
  });
}
