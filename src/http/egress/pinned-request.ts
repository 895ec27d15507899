import { request as httpRequest, type ClientRequest, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { pinnedLookup, type ResolvedAddress } from "./pinned-address.js";

/**
 * An outbound HTTP(S) request connected to an address resolved and checked beforehand: the
 * socket's DNS lookup is replaced by the pinned answer, so the name cannot resolve differently
 * between the check and the connection (DNS rebinding). TLS still verifies the certificate for
 * the host name. No connection pool, no redirects (Node's client never follows them), and only
 * the headers given are sent.
 */
export function pinnedRequest(url: URL, pinned: ResolvedAddress, init: { method: "GET" | "POST"; headers: OutgoingHttpHeaders; signal: AbortSignal }): ClientRequest {
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return send({
    protocol: url.protocol,
    hostname,
    port: url.port === "" ? undefined : Number(url.port),
    path: url.pathname + url.search,
    method: init.method,
    headers: init.headers,
    agent: false,
    lookup: pinnedLookup(pinned),
    maxHeaderSize: 16 * 1024,
    signal: init.signal,
  });
}
