// Agent guidance's limits, apart from the frame schemas (guidance.ts) because both browser bundles
// read them: importing a value from a module that builds zod schemas would put zod in the visitor
// script (its size budget) and its eval probe in the console (Trusted Types).

export const GUIDANCE_LIMITS = {
  /** Points in one `laser` frame (the console sends a frame every ~60 ms of movement). */
  maxLaserPoints: 32,
  /** Points in one freehand stroke (`draw`); the console thins longer strokes before sending. */
  maxStrokePoints: 512,
  /** Strokes on the visitor's page at once; clearing (either side) makes room again (`too_many_strokes`). */
  maxStrokesPerSession: 50,
  /** How long a laser point stays on the visitor's page before it has faded out. */
  laserFadeMs: 1000,
} as const;

/** How far outside an element its highlight box lies, on both sides' screens alike. */
export const HIGHLIGHT_MARGIN_PX = 4;

/** Shows `box` around the element's viewport rectangle, or hides it when there is no element. */
export function placeHighlight(box: HTMLElement, rect: DOMRectReadOnly | undefined): void {
  box.hidden = rect === undefined;
  if (!rect) return;
  box.style.left = `${rect.left - HIGHLIGHT_MARGIN_PX}px`;
  box.style.top = `${rect.top - HIGHLIGHT_MARGIN_PX}px`;
  box.style.width = `${rect.width + 2 * HIGHLIGHT_MARGIN_PX}px`;
  box.style.height = `${rect.height + 2 * HIGHLIGHT_MARGIN_PX}px`;
}
