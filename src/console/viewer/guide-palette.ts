// The agent's guidance tools in the viewer's toolbar: Pointer (a click points at a spot, or acts
// in control mode), Laser (a trail that fades on the visitor's page), Highlight (outline the
// element clicked), Draw (freehand strokes), and Clear drawings. Plain toggle buttons (aria-pressed)
// in a labelled group: Tab reaches them, Enter or Space picks one; Escape in the viewer clears.
// The tools are offered only while the server lets this agent point (the `highlight` action).

export type GuideTool = "pointer" | "laser" | "highlight" | "draw";

const TOOLS: readonly { tool: GuideTool; text: string; hint: string }[] = [
  { tool: "pointer", text: "Pointer", hint: "Click to point at a spot for the visitor (or to act, in control mode)." },
  { tool: "laser", text: "Laser", hint: "Move over the page: the visitor sees a short trail that fades." },
  { tool: "highlight", text: "Highlight", hint: "Click an element: the visitor sees it outlined." },
  { tool: "draw", text: "Draw", hint: "Drag to draw on the visitor's page." },
];

export class GuidePalette {
  readonly element: HTMLElement;
  readonly #buttons = new Map<GuideTool, HTMLButtonElement>();
  readonly #clear: HTMLButtonElement;
  #tool: GuideTool = "pointer";
  #enabled = false;

  constructor(
    private readonly onTool: (tool: GuideTool) => void,
    private readonly onClear: () => void,
  ) {
    this.element = document.createElement("span");
    this.element.className = "cb-guides";
    this.element.setAttribute("role", "group");
    this.element.setAttribute("aria-label", "Guidance tools");
    for (const { tool, text, hint } of TOOLS) {
      const b = button(text);
      b.title = hint;
      b.dataset.tool = tool;
      b.addEventListener("click", () => this.select(tool));
      this.#buttons.set(tool, b);
      this.element.append(b);
    }
    this.#clear = button("Clear drawings");
    this.#clear.title = "Clear drawings, outline and laser from the visitor's page (Escape)";
    this.#clear.addEventListener("click", () => this.onClear());
    this.element.append(this.#clear);
    this.#render();
  }

  get tool(): GuideTool {
    return this.#enabled ? this.#tool : "pointer";
  }

  /** The hint of the tool in use (the page copy's accessible description). */
  get hint(): string {
    return TOOLS.find((t) => t.tool === this.tool)?.hint ?? "";
  }

  select(tool: GuideTool): void {
    if (!this.#enabled) return;
    this.#tool = tool;
    this.#render();
    this.onTool(tool);
  }

  /** Whether the server lets this agent guide the visitor now. */
  enable(enabled: boolean): void {
    if (this.#enabled === enabled) return;
    this.#enabled = enabled;
    this.#render();
    this.onTool(this.tool);
  }

  #render(): void {
    for (const [tool, b] of this.#buttons) {
      b.setAttribute("aria-pressed", String(this.#enabled && tool === this.#tool));
      b.disabled = !this.#enabled;
    }
    this.#clear.disabled = !this.#enabled;
  }
}

function button(text: string): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  return b;
}
