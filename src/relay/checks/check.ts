import type { CanvasSettings } from "../../protocol/canvas.js";
import type { CobrowseMode } from "../../protocol/fields.js";
import type { MaskedFieldEdit } from "../../protocol/mask.js";
import type { Failure } from "../failure.js";
import type { AgentPrincipal } from "../peer.js";
import type { ShadowIndex } from "../shadow-index.js";

/** What a check may look at: the room's state (never page content) and the message. */
export interface CobrowseSessionFacts {
  readonly state: "waiting" | "active" | "ended";
  readonly mode: CobrowseMode;
  readonly granted: { readonly view: boolean; readonly control: boolean };
  readonly index: ShadowIndex;
  readonly hasSnapshot: boolean;
  /** Agents seated in the session right now. */
  readonly agentCount: number;
  /** Seats other than a lost one of this agent, which the agent takes again by joining. */
  seatsBesidesReturning(subject: string): number;
  readonly siteId: string;
  readonly siteOrigins: readonly string[];
  readonly pendingConsent: { readonly request: string; readonly mode: CobrowseMode } | undefined;
  /** Canvas image limits of the co-browse policy (whether they are allowed at all is a decision). */
  readonly canvas: CanvasSettings;
  /** Policy cobrowse.maskedFields: whether agents may replace a masked field's whole value. */
  readonly maskedFieldEdit: MaskedFieldEdit;
  /** Whether agents see this field's value masked (policy, the page's own marking, secret fields). */
  valueMasked(id: number): boolean;
  /** Milliseconds until `mode` may be asked again after the visitor's "no" (0: now). */
  askPausedMs(mode: CobrowseMode): number;
  /** Whether a question of this seat (for `mode`, or any) is open or queued for the visitor. */
  asking(seatId: string, mode?: CobrowseMode): boolean;
  /** Whether `id` names a seat of this session (a watcher, or an agent waiting for the visitor's yes). */
  hasSeat(id: string): boolean;
  /** Freehand strokes the visitor's page shows now (guidance; a count, never the points). */
  readonly strokes: number;
}

/** An agent's seat as checks see it. */
export interface SeatFacts {
  readonly id: string;
  readonly joined: boolean;
  /** The visitor let this agent watch, by name. */
  readonly admitted: boolean;
  /** Control was granted to this agent by name. */
  readonly controlling: boolean;
}

export interface CheckInput<M> {
  readonly room: CobrowseSessionFacts;
  readonly message: M;
  /** Set for agent messages. */
  readonly agent?: { readonly principal: AgentPrincipal; readonly joined: boolean; readonly seat?: SeatFacts };
  /**
   * Asks the policy engine; set by the session. `assume` overrides facts of the context, for
   * "would this be allowed once the visitor grants it?" questions (asking for control).
   */
  readonly decide: (action: string, assume?: Readonly<Record<string, unknown>>) => { allow: boolean; reason: string };
}

/** One concern, one check over some input: undefined means pass. */
export type CheckOf<I> = ((input: I) => Failure | undefined) & { readonly checkName: string };

/** A check of a message in a session (the room's rows). */
export type Check<M> = CheckOf<CheckInput<M>>;

export function check<M>(checkName: string, fn: (input: CheckInput<M>) => Failure | undefined): Check<M> {
  return checkOf(checkName, fn);
}

/** A check of rows that run before a session is involved (openings, an agent's way to its session). */
export function checkOf<I>(checkName: string, fn: (input: I) => Failure | undefined): CheckOf<I> {
  return Object.assign(fn, { checkName });
}

export function runChecks<I>(checks: readonly CheckOf<I>[], input: I): Failure | undefined {
  for (const c of checks) {
    const failure = c(input);
    if (failure) return { ...failure, check: c.checkName };
  }
  return undefined;
}
