import type { AgentMessage } from "../../protocol/agent-messages.js";
import { GUIDANCE_LIMITS, placeHighlight } from "../../protocol/guidance-limits.js";
import type { GuidePoint } from "../../protocol/guidance.js";
import type { GuideTool } from "./guide-palette.js";
import type { PageCopy } from "./page-copy.js";

// The agent's side of guidance: turns pointer input over the page copy into `laser`, `outline`
// and `draw` frames (document coordinates of the visitor's page), and shows the agent what the
// visitor sees — the strokes, the outlined element, the fading laser — over the page copy.

const SVG = "http://www.w3.org/2000/svg";
/** A laser frame at most this often while the pointer moves (well under the agent's message rate). */
const LASER_EVERY_MS = 60;
/** A laser gesture ends after the pointer rested this long. */
const LASER_IDLE_MS = 400;

export interface GuideLayerOptions {
  readonly overlay: HTMLElement;
  readonly pageCopy: PageCopy;
  /** Viewport coordinates of the visitor's page (CSS pixels) under a pointer event. */
  readonly point: (e: MouseEvent) => { x: number; y: number };
  readonly tool: () => GuideTool;
  readonly active: () => boolean;
  readonly send: (msg: AgentMessage) => void;
}

export class GuideLayer {
  readonly #svg: SVGSVGElement;
  readonly #strokes: SVGGElement;
  readonly #laser: SVGGElement;
  readonly #box: HTMLElement;
  #drawing: { points: GuidePoint[]; line: SVGPolylineElement; pointer: number } | undefined;
  #laserPending: GuidePoint[] = [];
  #laserTrail: { x: number; y: number; at: number }[] = [];
  #laserTimer: ReturnType<typeof setTimeout> | undefined;
  #laserIdle: ReturnType<typeof setTimeout> | undefined;
  #gesture = 0;
  #laserOpen = false;
  #stroke = 0;
  #outlined: number | undefined;
  #frame: number | undefined;

  constructor(private readonly options: GuideLayerOptions) {
    this.#svg = document.createElementNS(SVG, "svg");
    this.#svg.setAttribute("class", "cb-guide-svg");
    this.#svg.setAttribute("aria-hidden", "true");
    this.#strokes = document.createElementNS(SVG, "g");
    this.#laser = document.createElementNS(SVG, "g");
    this.#svg.append(this.#strokes, this.#laser);
    this.#box = document.createElement("div");
    this.#box.className = "cb-guide-outline";
    this.#box.hidden = true;
    options.overlay.append(this.#svg, this.#box);
    this.#wire();
  }

  /** Clears this agent's view of the guidance; `tell` also asks the server to clear the visitor's page. */
  clear(tell: boolean): void {
    if (tell && this.options.active()) {
      this.#endLaser();
      this.options.send({ kind: "clear-guides" });
    }
    this.#strokes.replaceChildren();
    this.#laser.replaceChildren();
    this.#laserTrail = [];
    this.#outlined = undefined;
    this.#box.hidden = true;
    this.#drawing?.line.remove();
    this.#drawing = undefined;
  }

  #doc(e: MouseEvent): GuidePoint | undefined {
    const win = this.options.pageCopy.window;
    if (!win) return undefined;
    const { x, y } = this.options.point(e);
    return [Math.round(x + win.scrollX), Math.round(y + win.scrollY)];
  }

  #wire(): void {
    const { overlay } = this.options;
    overlay.addEventListener("pointerdown", (e) => {
      if (!this.options.active() || this.options.tool() !== "draw" || e.button !== 0) return;
      const p = this.#doc(e);
      if (!p) return;
      e.preventDefault();
      overlay.setPointerCapture(e.pointerId);
      const line = document.createElementNS(SVG, "polyline");
      line.setAttribute("class", "cb-guide-stroke");
      this.#strokes.append(line);
      this.#drawing = { points: [p], line, pointer: e.pointerId };
      this.#renderStroke();
    });
    overlay.addEventListener("pointermove", (e) => {
      if (!this.options.active()) return;
      const tool = this.options.tool();
      if (tool === "draw" && this.#drawing?.pointer === e.pointerId) {
        const p = this.#doc(e);
        const last = this.#drawing.points.at(-1);
        if (p && last && Math.hypot(p[0] - last[0], p[1] - last[1]) >= 2) {
          this.#drawing.points.push(p);
          this.#renderStroke();
        }
      } else if (tool === "laser") {
        const p = this.#doc(e);
        if (p) this.#laserMove(p);
      }
    });
    const finish = (e: PointerEvent) => {
      const d = this.#drawing;
      if (!d || d.pointer !== e.pointerId) return;
      this.#drawing = undefined;
      if (d.points.length < 2 || !this.options.active()) return void d.line.remove();
      this.options.send({ kind: "draw", stroke: this.#stroke++, points: thin(d.points, GUIDANCE_LIMITS.maxStrokePoints) });
    };
    overlay.addEventListener("pointerup", finish);
    overlay.addEventListener("pointercancel", finish);
    overlay.addEventListener("pointerleave", () => this.#endLaser());
    overlay.addEventListener("click", (e) => {
      if (!this.options.active() || this.options.tool() !== "highlight") return;
      const { x, y } = this.options.point(e);
      const copy = this.options.pageCopy;
      const id = copy.idAround(copy.document?.elementFromPoint(x, y) ?? null);
      if (id === undefined) return;
      this.#outlined = id;
      this.options.send({ kind: "outline", id });
      this.#schedule();
    });
  }

  #laserMove(p: GuidePoint): void {
    this.#laserPending.push(p);
    this.#laserTrail.push({ x: p[0], y: p[1], at: performance.now() });
    this.#laserOpen = true;
    if (this.#laserPending.length >= GUIDANCE_LIMITS.maxLaserPoints) this.#flushLaser(false);
    this.#laserTimer ??= setTimeout(() => this.#flushLaser(false), LASER_EVERY_MS);
    clearTimeout(this.#laserIdle);
    this.#laserIdle = setTimeout(() => this.#endLaser(), LASER_IDLE_MS);
    this.#schedule();
  }

  #flushLaser(end: boolean): void {
    clearTimeout(this.#laserTimer);
    this.#laserTimer = undefined;
    let points = this.#laserPending.splice(0);
    const last = this.#laserTrail.at(-1);
    if (points.length === 0 && end && last) points = [[last.x, last.y]];
    if (points.length === 0 || !this.options.active()) return;
    this.options.send({ kind: "laser", gesture: this.#gesture, points: thin(points, GUIDANCE_LIMITS.maxLaserPoints), ...(end ? { end: true } : {}) });
  }

  #endLaser(): void {
    clearTimeout(this.#laserIdle);
    if (!this.#laserOpen) return;
    this.#laserOpen = false;
    this.#flushLaser(true);
    this.#gesture++;
  }

  #renderStroke(): void {
    this.#drawing?.line.setAttribute("points", this.#drawing.points.map(([x, y]) => `${x},${y}`).join(" "));
    this.#schedule();
  }

  #schedule(): void {
    if (this.#frame !== undefined) return;
    this.#frame = requestAnimationFrame(() => this.#render());
  }

  #render(): void {
    this.#frame = undefined;
    const win = this.options.pageCopy.window;
    const sx = win?.scrollX ?? 0;
    const sy = win?.scrollY ?? 0;
    for (const g of [this.#strokes, this.#laser]) g.setAttribute("transform", `translate(${-sx} ${-sy})`);
    const now = performance.now();
    this.#laserTrail = this.#laserTrail.filter((p) => now - p.at < GUIDANCE_LIMITS.laserFadeMs);
    const lines: SVGElement[] = [];
    this.#laserTrail.forEach((p, i) => {
      const prev = this.#laserTrail[i - 1];
      if (!prev) return;
      const line = document.createElementNS(SVG, "line");
      line.setAttribute("class", "cb-guide-laser");
      for (const [k, v] of [["x1", prev.x], ["y1", prev.y], ["x2", p.x], ["y2", p.y]] as const) line.setAttribute(k, String(v));
      line.setAttribute("opacity", (1 - (now - p.at) / GUIDANCE_LIMITS.laserFadeMs).toFixed(2));
      lines.push(line);
    });
    this.#laser.replaceChildren(...lines);
    const el = this.#outlined === undefined ? undefined : this.options.pageCopy.nodeById(this.#outlined);
    placeHighlight(this.#box, el?.getBoundingClientRect());
    if (el || this.#laserTrail.length > 0 || this.#strokes.childElementCount > 0) this.#schedule();
  }
}

/** At most `max` points, evenly picked, first and last kept. */
function thin(points: readonly GuidePoint[], max: number): GuidePoint[] {
  if (points.length <= max) return [...points];
  const out: GuidePoint[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (points.length - 1)) / (max - 1))] as GuidePoint);
  return out;
}
