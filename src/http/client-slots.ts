import type { Socket } from "node:net";
import { cidrMatcher, clientAddress, type NetworkMatcher } from "../auth/network.js";

/** Gives a slot back; calling it twice is harmless. */
export type Release = () => void;

/**
 * The per-client connection cap (`maxConnectionsPerClient`). A direct client is its socket peer
 * and each of its TCP connections takes a slot for as long as it is open. A trusted proxy's
 * connections take none (all its clients share them); instead each request in flight and each
 * WebSocket takes a slot of the client address X-Forwarded-For names, resolved exactly as for the
 * agent network allowlist. Trusted proxies are read from the current policy on every use.
 */
export class ClientSlots {
  readonly #limit: number;
  readonly #trustedProxies: () => readonly string[];
  readonly #held = new Map<string, number>();
  #matcherKey = "";
  #matcher: NetworkMatcher = cidrMatcher([]);

  constructor(limit: number, trustedProxies: () => readonly string[]) {
    this.#limit = limit;
    this.#trustedProxies = trustedProxies;
  }

  /** True when the socket peer is a trusted proxy, whose connections are not capped. */
  isTrustedProxy(peer: string | undefined): boolean {
    return this.#proxies().contains(peer);
  }

  /** The client behind a request: the peer, or the forwarded address when the peer is a trusted proxy. */
  clientOf(peer: string | undefined, forwardedFor: string | string[] | undefined): string | undefined {
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor;
    return clientAddress(peer, header, this.#proxies());
  }

  /** Takes a slot for `address`; undefined when it already holds the limit. */
  acquire(address: string | undefined): Release | undefined {
    const key = address ?? "(unknown)";
    const held = this.#held.get(key) ?? 0;
    if (held >= this.#limit) return undefined;
    this.#held.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = (this.#held.get(key) ?? 1) - 1;
      if (now <= 0) this.#held.delete(key);
      else this.#held.set(key, now);
    };
  }

  /** A direct connection: holds a slot until the socket closes; false when refused (caller closes it). */
  admitConnection(socket: Socket): boolean {
    if (this.isTrustedProxy(socket.remoteAddress)) return true;
    const release = this.acquire(socket.remoteAddress);
    if (!release) return false;
    socket.once("close", release);
    return true;
  }

  /** Slots held right now, by client address (tests, metrics). */
  held(address: string): number {
    return this.#held.get(address) ?? 0;
  }

  #proxies(): NetworkMatcher {
    const cidrs = this.#trustedProxies();
    const key = cidrs.join(",");
    if (key !== this.#matcherKey) {
      this.#matcher = cidrMatcher(cidrs);
      this.#matcherKey = key;
    }
    return this.#matcher;
  }
}
