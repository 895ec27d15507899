/** What the batch writer says about one item of a batch that committed. */
export type ItemOutcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

export interface GroupCommitOptions {
  /** How long an idle lane waits for more items before it writes (ms). */
  readonly windowMs: number;
  /** Most items in one transaction. */
  readonly maxBatch: number;
  /** Batches written side by side; items of one key always share a lane, so their order holds. */
  readonly lanes: number;
}

/**
 * Group commit. A commit costs a disk flush (PostgreSQL) or a round of the single writer
 * (SQLite) whatever it carries, so one transaction per chat message caps throughput at the
 * commit rate. Items arriving within a short window — or while the lane's previous batch is
 * committing — are written together by `writeBatch` in one transaction, and every caller's
 * promise settles only after that transaction's outcome is known: acknowledgement after commit
 * still holds. `writeBatch` answers each item on its own (a refused item does not fail its
 * batch); when it throws, nothing of the batch was committed and every item fails with
 * `onBatchFailure`'s error, never acknowledged. Items with the same key (a conversation) go to
 * the same lane, which writes one batch at a time in arrival order: their order is kept.
 */
export class GroupCommit<I, R> {
  readonly #lanes: Lane<I, R>[];

  constructor(
    private readonly writeBatch: (items: readonly I[]) => Promise<readonly ItemOutcome<R>[]>,
    private readonly keyOf: (item: I) => string,
    private readonly onBatchFailure: (cause: unknown) => Error,
    private readonly options: GroupCommitOptions,
  ) {
    this.#lanes = Array.from({ length: Math.max(1, options.lanes) }, () => ({ queue: [], state: "idle" }));
  }

  submit(item: I): Promise<R> {
    const lane = this.#lanes[laneIndex(this.keyOf(item), this.#lanes.length)] as Lane<I, R>;
    return new Promise<R>((resolve, reject) => {
      lane.queue.push({ item, resolve, reject });
      if (lane.state === "idle") {
        lane.state = "waiting";
        setTimeout(() => void this.#drain(lane), this.options.windowMs);
      }
    });
  }

  async #drain(lane: Lane<I, R>): Promise<void> {
    lane.state = "writing";
    // Whatever queued while a batch was committing has waited its window already.
    while (lane.queue.length > 0) {
      const batch = lane.queue.splice(0, this.options.maxBatch);
      let outcomes: readonly ItemOutcome<R>[];
      try {
        outcomes = await this.writeBatch(batch.map((p) => p.item));
      } catch (cause) {
        for (const p of batch) p.reject(this.onBatchFailure(cause));
        continue;
      }
      batch.forEach((p, i) => {
        const outcome = outcomes[i];
        if (outcome?.ok) p.resolve(outcome.value);
        else p.reject(outcome ? outcome.error : this.onBatchFailure(new Error("the batch writer gave no outcome")));
      });
    }
    lane.state = "idle";
  }
}

interface Pending<I, R> {
  readonly item: I;
  resolve(value: R): void;
  reject(reason: unknown): void;
}

interface Lane<I, R> {
  readonly queue: Pending<I, R>[];
  state: "idle" | "waiting" | "writing";
}

/** A stable lane for a key (FNV-1a): the same conversation always lands in the same lane. */
function laneIndex(key: string, lanes: number): number {
  if (lanes === 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % lanes;
}
