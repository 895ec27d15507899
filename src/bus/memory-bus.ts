import type { Bus, BusHandler } from "./bus.js";

/**
 * The single-replica bus. Delivery is asynchronous (a microtask later), like Redis, so code
 * written against this bus does not come to rely on re-entrant, synchronous delivery.
 */
export class MemoryBus implements Bus {
  readonly kind = "memory";
  readonly reachable = true;
  readonly #channels = new Map<string, Set<BusHandler>>();
  #closed = false;

  publish(channel: string, message: string, trace?: string): void {
    if (this.#closed) return;
    const handlers = this.#channels.get(channel);
    if (!handlers || handlers.size === 0) return;
    for (const handler of [...handlers]) queueMicrotask(() => handler(message, trace));
  }

  subscribe(channel: string, handler: BusHandler): Promise<() => void> {
    let handlers = this.#channels.get(channel);
    if (!handlers) this.#channels.set(channel, (handlers = new Set()));
    // A wrapper per subscription, so the same function subscribed twice is two subscriptions.
    const entry: BusHandler = (m, t) => handler(m, t);
    handlers.add(entry);
    return Promise.resolve(() => {
      handlers.delete(entry);
      if (handlers.size === 0 && this.#channels.get(channel) === handlers) this.#channels.delete(channel);
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#channels.clear();
    return Promise.resolve();
  }
}
