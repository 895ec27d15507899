import { CANVAS_LIMITS, type CanvasToAgent } from "../protocol/canvas.js";
import { fail, type Failure } from "./failure.js";
import type { ShadowIndex } from "./shadow-index.js";

interface Latest {
  /** The serialized `canvas` frame for agents. */
  readonly frame: string;
  readonly at: number;
}

/**
 * The latest checked image of each canvas of the current page, in memory only, so an agent who
 * joins late sees the canvases too. Never written anywhere; cleared with every new snapshot and
 * when the session ends (invariant 1). Holds at most `CANVAS_LIMITS.maxCanvases` images, and takes
 * a canvas's next image no sooner than half the policy interval after the last.
 */
export class CanvasImages {
  readonly #latest = new Map<number, Latest>();

  constructor(private readonly intervalMs: number) {}

  /** Keeps the image and returns the frame to send, or why it was refused. */
  put(index: ShadowIndex, id: number, image: string, now: number): { frame: string } | Failure {
    const previous = this.#latest.get(id);
    if (previous && now - previous.at < this.intervalMs / 2) return fail("rate_limited", "canvas images arrive faster than the policy interval");
    if (!previous) {
      this.#forgetGone(index);
      if (this.#latest.size >= CANVAS_LIMITS.maxCanvases) return fail("too_many_nodes", `more than ${CANVAS_LIMITS.maxCanvases} canvases`);
    }
    const frame = JSON.stringify({ kind: "canvas", id, image } satisfies CanvasToAgent);
    this.#latest.set(id, { frame, at: now });
    return { frame };
  }

  /** Frames of the canvases still on the page, for an agent catching up after the snapshot. */
  frames(index: ShadowIndex): string[] {
    this.#forgetGone(index);
    return [...this.#latest.values()].map((l) => l.frame);
  }

  clear(): void {
    this.#latest.clear();
  }

  get retainedBytes(): number {
    let n = 0;
    for (const l of this.#latest.values()) n += l.frame.length;
    return n;
  }

  /** Canvases removed or masked since their image arrived are no longer shown to anyone. */
  #forgetGone(index: ShadowIndex): void {
    for (const id of this.#latest.keys()) {
      const node = index.get(id);
      if (!node || node.masked) this.#latest.delete(id);
    }
  }
}
