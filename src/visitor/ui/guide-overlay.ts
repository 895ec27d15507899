import { GUIDANCE_LIMITS, placeHighlight } from "../../protocol/guidance-limits.js";
import type { GuidePoint } from "../../protocol/guidance.js";
import { guard } from "../safe.js";
import { overlayHost } from "./host.js";

// What the agents' guidance looks like on the visitor's page: a laser trail that fades within a
// second, one outlined element that follows scrolling and layout, and freehand strokes anchored to
// document coordinates (they scroll with the page). Drawn in its own closed shadow root over the
// viewport that takes no pointer event, focus or key (host.ts `overlayHost`): it can show, never act.
// Everything here is geometry the relay checked; nothing is read from or written to the page.

const SVG = "http://www.w3.org/2000/svg";

const overlayCss = `
:host { all: initial; }
* { pointer-events: none !important; user-select: none !important; }
svg { position: absolute; inset: 0; width: 100%; height: 100%; overflow: visible; }
.stroke { fill: none; stroke: #d92d20; stroke-width: 4; stroke-linecap: round; stroke-linejoin: round; opacity: .9; }
.laser { stroke: #e11d48; stroke-width: 6; stroke-linecap: round; filter: drop-shadow(0 0 3px rgba(225, 29, 72, .8)); }
.laser-dot { fill: #e11d48; stroke: #fff; stroke-width: 2; filter: drop-shadow(0 0 4px rgba(225, 29, 72, .9)); }
.outline { position: absolute; box-sizing: border-box; border: 3px solid #f59e0b; border-radius: 6px;
  box-shadow: 0 0 0 4px rgba(245, 158, 11, .28), 0 0 0 9999px rgba(8, 27, 58, .12); }
.label { position: absolute; left: -3px; bottom: 100%; margin-bottom: 6px; background: #14213d; color: #fff;
  font: 600 13px/1.3 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; padding: 3px 8px; border-radius: 6px; white-space: nowrap; }
`;

interface LaserPoint {
  readonly x: number;
  readonly y: number;
  readonly at: number;
  /** Starts a new segment (first point of a frame after a pause). */
  readonly gap: boolean;
}

export class GuideOverlay {
  readonly #root: ShadowRoot;
  readonly #svg: SVGSVGElement;
  readonly #strokes: SVGGElement;
  readonly #laser: SVGGElement;
  readonly #box: HTMLDivElement;
  readonly #label: HTMLSpanElement;
  #laserPoints: LaserPoint[] = [];
  #outlined: Element | undefined;
  #frame: number | undefined;
  #strokeCount = 0;
  readonly #onScroll = guard(() => this.#schedule());

  constructor() {
    const { root } = overlayHost();
    this.#root = root;
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(overlayCss);
    root.adoptedStyleSheets = [sheet];
    this.#svg = document.createElementNS(SVG, "svg");
    this.#strokes = document.createElementNS(SVG, "g");
    this.#laser = document.createElementNS(SVG, "g");
    this.#svg.append(this.#strokes, this.#laser);
    this.#label = document.createElement("span");
    this.#label.className = "label";
    this.#box = document.createElement("div");
    this.#box.className = "outline";
    this.#box.append(this.#label);
    this.#box.hidden = true;
    root.append(this.#svg, this.#box);
    addEventListener("scroll", this.#onScroll, { passive: true, capture: true });
    addEventListener("resize", this.#onScroll, { passive: true });
  }

  /** Whether strokes or an outline are on the page now (the laser fades on its own). */
  get showing(): boolean {
    return this.#strokeCount > 0 || this.#outlined !== undefined;
  }

  laser(points: readonly GuidePoint[]): void {
    const now = performance.now();
    const last = this.#laserPoints.at(-1);
    const gap = last === undefined || now - last.at > 250;
    points.forEach(([x, y], i) => this.#laserPoints.push({ x, y, at: now, gap: gap && i === 0 }));
    // Bounded: at most a second's worth of frames stay alive.
    if (this.#laserPoints.length > 4 * GUIDANCE_LIMITS.maxLaserPoints * 16) this.#laserPoints.splice(0, this.#laserPoints.length - 4 * GUIDANCE_LIMITS.maxLaserPoints * 16);
    this.#schedule();
  }

  draw(points: readonly GuidePoint[]): void {
    if (this.#strokeCount >= GUIDANCE_LIMITS.maxStrokesPerSession) return;
    const path = document.createElementNS(SVG, "polyline");
    path.setAttribute("class", "stroke");
    path.setAttribute("points", points.map(([x, y]) => `${x},${y}`).join(" "));
    this.#strokes.append(path);
    this.#strokeCount++;
    this.#schedule();
  }

  /** Outlines `el` (an element of the page the mirror knows), replacing any earlier outline. */
  outline(el: Element, label: string): void {
    this.#outlined = el;
    this.#label.textContent = label;
    this.#schedule();
  }

  clear(): void {
    this.#strokes.replaceChildren();
    this.#laser.replaceChildren();
    this.#laserPoints = [];
    this.#strokeCount = 0;
    this.#outlined = undefined;
    this.#box.hidden = true;
  }

  /** Gone with the session: nothing stays on the page. */
  destroy(): void {
    this.clear();
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
    removeEventListener("scroll", this.#onScroll, { capture: true });
    removeEventListener("resize", this.#onScroll);
    (this.#root.host as HTMLElement).remove();
  }

  #schedule(): void {
    this.#frame ??= requestAnimationFrame(guard(() => this.#render()));
  }

  #render(): void {
    this.#frame = undefined;
    // Strokes and laser are in document coordinates: the drawing moves with the page's scroll.
    this.#strokes.setAttribute("transform", `translate(${-scrollX} ${-scrollY})`);
    this.#laser.setAttribute("transform", `translate(${-scrollX} ${-scrollY})`);
    const now = performance.now();
    this.#laserPoints = this.#laserPoints.filter((p) => now - p.at < GUIDANCE_LIMITS.laserFadeMs);
    this.#renderLaser(now);
    const el = this.#outlined;
    if (el && !el.isConnected) this.#outlined = undefined;
    placeHighlight(this.#box, this.#outlined?.getBoundingClientRect());
    // Layout can move the outlined element without a scroll; the laser fades frame by frame.
    if (this.#outlined || this.#laserPoints.length > 0) this.#schedule();
  }

  #renderLaser(now: number): void {
    const parts: SVGElement[] = [];
    this.#laserPoints.forEach((p, i) => {
      const prev = this.#laserPoints[i - 1];
      if (!prev || p.gap) return;
      const line = document.createElementNS(SVG, "line");
      line.setAttribute("class", "laser");
      line.setAttribute("x1", String(prev.x));
      line.setAttribute("y1", String(prev.y));
      line.setAttribute("x2", String(p.x));
      line.setAttribute("y2", String(p.y));
      line.setAttribute("opacity", String(Math.max(0, 1 - (now - p.at) / GUIDANCE_LIMITS.laserFadeMs).toFixed(2)));
      parts.push(line);
    });
    const head = this.#laserPoints.at(-1);
    if (head) {
      const dot = document.createElementNS(SVG, "circle");
      dot.setAttribute("class", "laser-dot");
      dot.setAttribute("cx", String(head.x));
      dot.setAttribute("cy", String(head.y));
      dot.setAttribute("r", "8");
      dot.setAttribute("opacity", String(Math.max(0, 1 - (now - head.at) / GUIDANCE_LIMITS.laserFadeMs).toFixed(2)));
      parts.push(dot);
    }
    this.#laser.replaceChildren(...parts);
  }
}
