import type { ControlEvent } from "../protocol/agent-messages.js";
import type { Clock } from "./clock.js";

/** One audit entry about a control event: metadata only (who, kind, node, outcome), never a value. */
export interface ControlAuditEntry {
  readonly agent: string;
  readonly type: ControlEvent["type"];
  readonly node: number;
  /** `forwarded` to the visitor's page, or refused by the relay or by the page, with the reason code. */
  readonly outcome: "forwarded" | { readonly by: "relay" | "page"; readonly reason: string };
}

/** Events of one burst are less than this apart. */
export const CONTROL_BURST_GAP_MS = 5_000;
/** Entries per agent per minute at most; beyond, one `throttled` entry and silence until the minute is over. */
export const CONTROL_ENTRIES_PER_MINUTE = 60;

interface AgentTrail {
  burst: string;
  lastAt: number;
  windowStart: number;
  written: number;
}

/**
 * Audits an agent's control actions without flooding the trail. Rule: the first event of a burst
 * writes one entry at once; further events by the same agent on the same node, of the same kind
 * (typing — `input` and `key` — counts as one kind) and with the same outcome, each less than
 * CONTROL_BURST_GAP_MS after the previous one, belong to that burst and write nothing. Any other
 * event starts a new burst. On top, an agent writes at most CONTROL_ENTRIES_PER_MINUTE entries a
 * minute; the first one refused by that cap is replaced by a single `throttled` entry.
 */
export class ControlAudit {
  readonly #trails = new Map<string, AgentTrail>();
  /** Who last acted on a node, so a refusal the page reports later is attributed to that agent. */
  readonly #actorOf = new Map<number, string>();

  constructor(
    private readonly clock: Clock,
    private readonly write: (entry: ControlAuditEntry | { readonly agent: string; readonly throttled: true }) => void,
  ) {}

  note(entry: ControlAuditEntry): void {
    if (entry.outcome === "forwarded") {
      this.#actorOf.delete(entry.node);
      this.#actorOf.set(entry.node, entry.agent);
      if (this.#actorOf.size > 1_000) this.#actorOf.delete(this.#actorOf.keys().next().value as number);
    }
    const now = this.clock.now();
    const kind = entry.type === "key" ? "input" : entry.type;
    const outcome = entry.outcome === "forwarded" ? "ok" : `${entry.outcome.by}:${entry.outcome.reason}`;
    const burst = `${kind}|${entry.node}|${outcome}`;
    let trail = this.#trails.get(entry.agent);
    if (!trail) this.#trails.set(entry.agent, (trail = { burst: "", lastAt: -Infinity, windowStart: now, written: 0 }));
    const sameBurst = trail.burst === burst && now - trail.lastAt < CONTROL_BURST_GAP_MS;
    trail.burst = burst;
    trail.lastAt = now;
    if (sameBurst) return;
    if (now - trail.windowStart >= 60_000) {
      trail.windowStart = now;
      trail.written = 0;
    }
    trail.written++;
    if (trail.written <= CONTROL_ENTRIES_PER_MINUTE) this.write(entry);
    else if (trail.written === CONTROL_ENTRIES_PER_MINUTE + 1) this.write({ agent: entry.agent, throttled: true });
  }

  /** The agent who last had an event forwarded to this node (for refusals the page reports). */
  actorOf(node: number): string | undefined {
    return this.#actorOf.get(node);
  }

  forget(): void {
    this.#trails.clear();
    this.#actorOf.clear();
  }
}
