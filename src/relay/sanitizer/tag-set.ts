/**
 * The allowed tags as sanitize-html wants them (an array) but answering `indexOf` from a Set.
 * sanitize-html checks every tag, and every text node's parent, with `allowedTags.indexOf(name)`:
 * a linear scan of ~150 names that showed up as the sanitizer's largest single cost.
 */
export class TagSet extends Array<string> {
  readonly #names: ReadonlySet<string>;
  readonly #also: (name: string) => boolean;

  constructor(names: Iterable<string>, also: (name: string) => boolean = () => false) {
    super();
    this.#names = new Set(names);
    this.#also = also;
    for (const n of this.#names) this.push(n);
  }

  // Array methods that build new arrays (map, filter…) must produce plain arrays, not TagSets.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  override indexOf(name: string): number {
    return this.includes(name) ? 0 : -1;
  }

  override includes(name: string): boolean {
    return this.#names.has(name) || this.#also(name);
  }
}
