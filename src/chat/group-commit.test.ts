import { describe, expect, it } from "vitest";
import { GroupCommit, type ItemOutcome } from "./group-commit.js";

interface Item {
  readonly key: string;
  readonly n: number;
}

/** A batch writer that records its batches and answers each item by `answer`. */
function recorder(answer: (item: Item) => ItemOutcome<number> = (item) => ({ ok: true, value: item.n })) {
  const batches: Item[][] = [];
  let failNext = false;
  return {
    batches,
    failNextBatch: () => (failNext = true),
    write: (items: readonly Item[]): Promise<readonly ItemOutcome<number>[]> => {
      batches.push([...items]);
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error("disk full"));
      }
      return Promise.resolve(items.map(answer));
    },
  };
}

const failure = (cause: unknown) => new Error("not stored", { cause });

describe("GroupCommit", () => {
  it("writes what arrives within the window as one batch, in arrival order, and settles each caller with its own outcome", async () => {
    const r = recorder((item) => (item.n === 3 ? { ok: false, error: new Error("refused 3") } : { ok: true, value: item.n * 10 }));
    const gc = new GroupCommit(r.write, (i: Item) => i.key, failure, { windowMs: 5, maxBatch: 100, lanes: 1 });
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => gc.submit({ key: `c${n % 2}`, n })));
    expect(r.batches).toEqual([[1, 2, 3, 4].map((n) => ({ key: `c${n % 2}`, n }))]);
    expect(results.map((x) => (x.status === "fulfilled" ? x.value : (x.reason as Error).message))).toEqual([10, 20, "refused 3", 40]);
  });

  it("caps a batch at maxBatch and writes the rest in the next one", async () => {
    const r = recorder();
    const gc = new GroupCommit(r.write, (i: Item) => i.key, failure, { windowMs: 1, maxBatch: 3, lanes: 1 });
    await Promise.all(Array.from({ length: 7 }, (_, n) => gc.submit({ key: "c", n })));
    expect(r.batches.map((b) => b.map((i) => i.n))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it("a batch that fails fails every item of it with the failure's error, and the next batch is written", async () => {
    const r = recorder();
    const gc = new GroupCommit(r.write, (i: Item) => i.key, failure, { windowMs: 1, maxBatch: 2, lanes: 1 });
    r.failNextBatch();
    const results = await Promise.allSettled(Array.from({ length: 4 }, (_, n) => gc.submit({ key: "c", n })));
    expect(results.map((x) => x.status)).toEqual(["rejected", "rejected", "fulfilled", "fulfilled"]);
    const reason = (results[0] as PromiseRejectedResult).reason as Error;
    expect(reason.message).toBe("not stored");
    expect((reason.cause as Error).message).toBe("disk full");
  });

  it("keeps one key's items in one lane, in order, while other keys spread over the lanes", async () => {
    const r = recorder();
    const gc = new GroupCommit(r.write, (i: Item) => i.key, failure, { windowMs: 1, maxBatch: 4, lanes: 4 });
    const keys = Array.from({ length: 16 }, (_, k) => `conversation-${k}`);
    await Promise.all(Array.from({ length: 160 }, (_, n) => gc.submit({ key: keys[n % keys.length] ?? "", n })));
    for (const key of keys) {
      const batchesWithKey = r.batches.filter((b) => b.some((i) => i.key === key));
      const order = batchesWithKey.flat().filter((i) => i.key === key).map((i) => i.n);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(order).toHaveLength(10);
    }
    expect(r.batches.every((b) => b.length <= 4)).toBe(true);
  });

  it("items that arrive while a batch is being written go together into the next", async () => {
    let release: () => void = () => undefined;
    const batches: number[][] = [];
    const gc = new GroupCommit(
      async (items: readonly Item[]) => {
        batches.push(items.map((i) => i.n));
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return items.map((i) => ({ ok: true as const, value: i.n }));
      },
      (i: Item) => i.key,
      failure,
      { windowMs: 1, maxBatch: 100, lanes: 1 },
    );
    const first = gc.submit({ key: "c", n: 0 });
    while (batches.length === 0) await new Promise((r) => setTimeout(r, 1));
    const later = [1, 2, 3].map((n) => gc.submit({ key: "c", n }));
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[0], [1, 2, 3]]);
  });
});
