// How big the agent sees the visitor's page: fit to the width of the viewer, 100 % (one visitor
// pixel per screen pixel, the viewer scrolls), or a step in or out; the scale in use is always
// shown. Plain buttons in the viewer's toolbar (the viewer sits in the inbox or on its own page).

export type Zoom = "width" | number;

const STEPS: readonly number[] = [0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 2];
const MIN = 0.5;
const MAX = 2;

export class ZoomControls {
  readonly element: HTMLElement;
  readonly #label: HTMLElement;
  readonly #buttons: Record<"width" | "actual" | "out" | "in", HTMLButtonElement>;
  #zoom: Zoom = "width";
  #scale = 1;

  constructor(private readonly onChange: (zoom: Zoom) => void) {
    const button = (text: string, label: string | undefined, click: () => void) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      // Words name themselves (a spoken command matches what is seen); only the symbols get a label.
      if (label) b.setAttribute("aria-label", label);
      b.addEventListener("click", click);
      return b;
    };
    this.#buttons = {
      width: button("Fit width", undefined, () => this.set("width")),
      actual: button("100 %", undefined, () => this.set(1)),
      out: button("−", "Zoom out", () => this.set(step(this.#scale, -1))),
      in: button("+", "Zoom in", () => this.set(step(this.#scale, 1))),
    };
    this.#label = document.createElement("output");
    this.#label.className = "cb-scale";
    this.#label.setAttribute("aria-live", "polite");
    this.#label.setAttribute("aria-label", "Scale");
    this.#label.dataset.testid = "cb-scale";
    this.element = document.createElement("span");
    this.element.className = "cb-zoom";
    this.element.setAttribute("role", "group");
    this.element.setAttribute("aria-label", "Zoom");
    this.element.append(this.#buttons.width, this.#buttons.actual, this.#buttons.out, this.#label, this.#buttons.in);
    this.#render();
  }

  get zoom(): Zoom {
    return this.#zoom;
  }

  set(zoom: Zoom): void {
    this.#zoom = zoom;
    this.onChange(zoom);
    this.#render();
  }

  /** The scale the viewer ended up with (fit-to-width depends on the viewer's size). */
  shows(scale: number): void {
    this.#scale = scale;
    this.#render();
  }

  #render(): void {
    this.#label.textContent = `${Math.round(this.#scale * 100)} %`;
    this.#buttons.width.setAttribute("aria-pressed", String(this.#zoom === "width"));
    this.#buttons.actual.setAttribute("aria-pressed", String(this.#zoom === 1));
    this.#buttons.out.disabled = this.#scale <= MIN + 0.001;
    this.#buttons.in.disabled = this.#scale >= MAX - 0.001;
  }
}

/** The next step above or below a scale (fit-to-width may sit between two steps). */
function step(scale: number, direction: 1 | -1): number {
  const next = direction > 0 ? STEPS.find((s) => s > scale + 0.001) : [...STEPS].reverse().find((s) => s < scale - 0.001);
  return next ?? (direction > 0 ? MAX : MIN);
}
