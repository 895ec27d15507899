import { CHANNEL_PREFIX, type Bus } from "../bus/bus.js";
import type { ChatEvent, ChatFanout, Subscription } from "./fanout.js";

/**
 * Chat fan-out across replicas over the bus (Redis pub/sub with several replicas). One bus
 * subscription per topic and replica, shared by that replica's listeners. Events cross the bus
 * only after their transaction committed; the bus keeps nothing, and a client that missed an
 * event resumes from the database by sequence number.
 */
export class BusFanout implements ChatFanout {
  readonly #topics = new Map<string, { listeners: Set<(e: ChatEvent) => void>; ready: Promise<void>; unsubscribe?: () => void }>();

  constructor(private readonly bus: Bus) {}

  publish(topic: string, event: ChatEvent): void {
    this.bus.publish(CHANNEL_PREFIX + topic, JSON.stringify(event));
  }

  subscribe(topic: string, listener: (event: ChatEvent) => void): Subscription {
    let entry = this.#topics.get(topic);
    if (!entry) {
      const created: { listeners: Set<(e: ChatEvent) => void>; ready: Promise<void>; unsubscribe?: () => void } = { listeners: new Set(), ready: Promise.resolve() };
      created.ready = this.bus
        .subscribe(CHANNEL_PREFIX + topic, (text) => this.#dispatch(created.listeners, text))
        .then((unsubscribe) => {
          if (this.#topics.get(topic) === created) created.unsubscribe = unsubscribe;
          else unsubscribe(); // everyone left before the subscription was active
        });
      this.#topics.set(topic, (entry = created));
    }
    const own = (e: ChatEvent) => listener(e);
    const current = entry;
    current.listeners.add(own);
    return {
      ready: current.ready,
      stop: () => {
        current.listeners.delete(own);
        if (current.listeners.size === 0 && this.#topics.get(topic) === current) {
          this.#topics.delete(topic);
          current.unsubscribe?.();
        }
      },
    };
  }

  #dispatch(listeners: Set<(e: ChatEvent) => void>, text: string): void {
    let event: ChatEvent;
    try {
      event = JSON.parse(text) as ChatEvent;
    } catch {
      return;
    }
    for (const l of [...listeners]) {
      try {
        l(event);
      } catch {
        /* one connection's failure is its own */
      }
    }
  }
}
