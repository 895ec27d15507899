import type { AssetKind } from "../sanitizer/asset-url.js";
import { AirlockError } from "../../errors.js";
import type { AddressRules } from "../../http/egress/address-policy.js";
import { acceptedMediaType, acceptHeader } from "./content-types.js";
import { checkSiteOrigin } from "./origin-check.js";
import { readCapped } from "./read-body.js";
import { resolvePinned, type HostLookup } from "./resolver.js";
import { requestUpstream } from "./upstream.js";

export interface FetchLimits {
  readonly maxBytes: number;
  /** For the whole chain: every DNS lookup, connection, redirect and the body. */
  readonly timeoutMs: number;
  readonly maxRedirects: number;
}

export interface FetchDeps {
  readonly lookup: HostLookup;
  readonly rules: AddressRules;
  readonly limits: FetchLimits;
}

export interface FetchedAsset {
  /** Where the asset finally came from (after redirects): relative URLs in CSS resolve against it. */
  readonly url: URL;
  readonly mediaType: string;
  readonly body: Buffer;
}

const redirects: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * Fetches one asset for one site. Every hop, the first and each redirect target, is checked the
 * same way before any connection: exact site origin, then one DNS resolution whose every address
 * must be public (or loopback in dev mode when allowed), then a connection pinned to that address.
 */
export async function fetchAsset(start: URL, kind: AssetKind, origins: readonly string[], deps: FetchDeps): Promise<FetchedAsset> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new AirlockError("asset_timeout", `the asset host did not answer within ${deps.limits.timeoutMs} ms`)), deps.limits.timeoutMs);
  const { signal } = controller;
  try {
    let url = start;
    for (let hop = 0; ; hop++) {
      checkSiteOrigin(url, origins);
      const pinned = await raceAbort(resolvePinned(url.hostname, deps.lookup, deps.rules), signal);
      const res = await requestUpstream({ url, pinned, accept: acceptHeader[kind], signal });
      const status = res.statusCode ?? 0;
      if (redirects.has(status)) {
        res.destroy();
        const location = res.headers.location;
        if (!location || hop >= deps.limits.maxRedirects) throw new AirlockError("asset_upstream_failed", "the asset host redirected too often or without a target");
        url = parseLocation(location, url);
        continue;
      }
      if (status !== 200) {
        res.destroy();
        throw new AirlockError("asset_upstream_failed", `the asset host answered ${status}`, { details: { status } });
      }
      const mediaType = acceptedMediaType(kind, res.headers["content-type"]);
      if (!mediaType) {
        res.destroy();
        throw new AirlockError("asset_type_refused", `the asset host's content type does not fit a ${kind}`);
      }
      const body = await readCapped(res, deps.limits.maxBytes, signal);
      return { url, mediaType, body };
    }
  } catch (err) {
    // Whatever broke after the deadline passed, the deadline is the reason.
    throw signal.aborted ? signal.reason : err;
  } finally {
    clearTimeout(timer);
  }
}

function parseLocation(location: string, base: URL): URL {
  try {
    return new URL(location, base);
  } catch {
    throw new AirlockError("asset_upstream_failed", "the asset host redirected to an invalid URL");
  }
}

function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    work.finally(() => signal.removeEventListener("abort", onAbort)).then(resolve, reject);
  });
}
