// One mechanism for every cluster-wide list kept over the bus (co-browse sessions, visitors on the
// sites, agents online): each server process announces the entries it owns and repeats itself on
// a heartbeat; the others keep what they heard, per process. A process is alive while it is heard
// from; one that said it is gone, or stayed silent for `silentAfterMs` (it died without a word),
// is dropped with all its entries at once, and the owner of the directory is told which process
// that was. Memory only: nothing of it is stored.

/** Told that a process was dropped (it said it is gone, or it went silent), with what it held. */
export type ProcessDropped<V> = (process: string, entries: ReadonlyMap<string, V>) => void;

interface Heard<V> {
  heardAt: number;
  readonly entries: Map<string, V>;
}

export class ProcessDirectory<V> {
  readonly #processes = new Map<string, Heard<V>>();

  constructor(
    private readonly now: () => number,
    /** Silence after which a process counts as dead (a few of its heartbeats). */
    readonly silentAfterMs: number,
    private readonly dropped?: ProcessDropped<V>,
  ) {}

  /** The process was heard from: alive now. Its entries, for the caller to update. */
  heard(process: string): Map<string, V> {
    let known = this.#processes.get(process);
    if (!known) this.#processes.set(process, (known = { heardAt: 0, entries: new Map<string, V>() }));
    known.heardAt = this.now();
    return known.entries;
  }

  /** What a live process holds (nothing for one dead or never heard). */
  entriesOf(process: string): ReadonlyMap<string, V> | undefined {
    this.sweep();
    return this.#processes.get(process)?.entries;
  }

  /** Whether a process was heard from within `silentAfterMs` (and did not say it is gone). */
  alive(process: string): boolean {
    this.sweep();
    return this.#processes.has(process);
  }

  /** One entry of a process went (the process said so); false when it held none by that key. */
  delete(process: string, key: string): boolean {
    return this.#processes.get(process)?.entries.delete(key) ?? false;
  }

  /** The process said it is gone (shutdown): dropped at once. */
  gone(process: string): void {
    const known = this.#processes.get(process);
    if (!known) return;
    this.#processes.delete(process);
    this.dropped?.(process, known.entries);
  }

  /** Drops every process silent for too long. Every read sweeps first. */
  sweep(): void {
    const oldest = this.now() - this.silentAfterMs;
    for (const [process, known] of this.#processes) if (known.heardAt < oldest) this.gone(process);
  }

  /** Every live process with its entries. */
  *processes(): IterableIterator<[string, ReadonlyMap<string, V>]> {
    this.sweep();
    for (const [process, known] of this.#processes) yield [process, known.entries];
  }
}

/** The heartbeat of one announcer: `beat` every `everyMs` (never keeping the process alive); returns its stop. */
export function heartbeat(everyMs: number, beat: () => void): () => void {
  const timer = setInterval(beat, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
