import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../storage/schema.js";

type Work<T> = (trx: Transaction<Database>) => Promise<T>;

interface Job {
  readonly work: Work<unknown>;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

/**
 * Group commit for SQLite, which has one writer: units of work that arrive while a transaction
 * is committing are run together in the next transaction, each inside its own savepoint so a
 * failing one rolls back alone. Every caller's promise settles only after the shared COMMIT, so
 * "acknowledge after commit" still holds, and one commit carries many messages.
 */
export class WriteBatcher {
  readonly #queue: Job[] = [];
  #draining = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxBatch = 64,
  ) {}

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.maxBatch);
        const outcomes: { ok: boolean; value: unknown }[] = [];
        try {
          await this.db.transaction().execute(async (trx) => {
            for (const job of batch) {
              await sql`SAVEPOINT airlock_job`.execute(trx);
              try {
                const value = await job.work(trx);
                await sql`RELEASE SAVEPOINT airlock_job`.execute(trx);
                outcomes.push({ ok: true, value });
              } catch (err) {
                await sql`ROLLBACK TO SAVEPOINT airlock_job`.execute(trx);
                await sql`RELEASE SAVEPOINT airlock_job`.execute(trx);
                outcomes.push({ ok: false, value: err });
              }
            }
          });
        } catch (commitError) {
          // The shared transaction failed as a whole (e.g. the disk is full): nobody's work committed.
          for (const job of batch) job.reject(commitError);
          continue;
        }
        batch.forEach((job, i) => {
          const o = outcomes[i];
          if (o?.ok) job.resolve(o.value);
          else job.reject(o?.value);
        });
      }
    } finally {
      this.#draining = false;
    }
  }
}
