import { randomBytes } from "node:crypto";
import type { CobrowseMode } from "../protocol/fields.js";
import type { AgentSeat } from "./agent-seat.js";

/** One question for the visitor: a mode, for one agent by name. */
export interface ConsentAsk {
  readonly request: string;
  readonly mode: CobrowseMode;
  readonly seat: AgentSeat;
  /** Another agent asks to watch a session the visitor already shares. */
  readonly additional: boolean;
}

/**
 * The visitor's open questions, one at a time: the visitor sees one prompt, and the next one is
 * asked only after it was answered, so a new question never replaces (and never answers) another.
 */
export class ConsentAsks {
  #queue: ConsentAsk[] = [];

  /** The question the visitor is being asked now. */
  get head(): ConsentAsk | undefined {
    return this.#queue[0];
  }

  /** Queues a question; true when it is the one to ask now. */
  add(mode: CobrowseMode, seat: AgentSeat, additional: boolean): { ask: ConsentAsk; first: boolean } {
    const ask = { request: randomBytes(8).toString("base64url"), mode, seat, additional };
    this.#queue.push(ask);
    return { ask, first: this.#queue.length === 1 };
  }

  /** Removes the question being asked now (it was answered). */
  shift(): ConsentAsk | undefined {
    return this.#queue.shift();
  }

  /** Every open question, the one being asked now first. */
  all(): readonly ConsentAsk[] {
    return this.#queue;
  }

  has(seat: AgentSeat, mode?: CobrowseMode): boolean {
    return this.#queue.some((a) => a.seat === seat && (mode === undefined || a.mode === mode));
  }

  /** The same agent came back on a new seat (reconnect): its questions stay in line, now for the new seat. */
  replaceSeat(from: AgentSeat, to: AgentSeat): void {
    this.#queue = this.#queue.map((a) => (a.seat === from ? { ...a, seat: to } : a));
  }

  /** Drops a seat's questions; true when the one being asked now was among them. */
  dropSeat(seat: AgentSeat): boolean {
    const wasHead = this.#queue[0]?.seat === seat;
    this.#queue = this.#queue.filter((a) => a.seat !== seat);
    return wasHead;
  }

  clear(): void {
    this.#queue = [];
  }
}
