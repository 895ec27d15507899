import type { Page } from "playwright-core";
import { MASK_PLACEHOLDER } from "../protocol/mask.js";
import type { Rect } from "./fidelity-diff.js";
import { waitFor } from "./fidelity-session.js";

// One moment of a watched page, seen from both sides: the visitor's viewport and the agent's
// page copy at 100 %, once the copy has caught up with the visitor's scroll position and its
// images and fonts have loaded. Airlock's own UI on the visitor's page (the sharing bar) and the
// viewer's overlay over the copy (the visitor's pointer) are hidden for the shot: neither is page.

export interface ScreenPair {
  readonly visitor: Buffer;
  readonly copy: Buffer;
  /** Private blocks and masked field values, in viewport pixels, on each side. */
  readonly visitorMasked: Rect[];
  readonly copyMasked: Rect[];
}

const SETTLE_MS = 300;

export async function shootBoth(visitor: Page, agent: Page): Promise<ScreenPair> {
  const at = await visitor.evaluate(() => ({ x: Math.round(scrollX), y: Math.round(scrollY) }));
  await waitFor(() => agent.evaluate((want) => {
    const frame = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe");
    const win = frame?.contentWindow;
    const doc = frame?.contentDocument;
    if (!win || !doc) return undefined;
    if (Math.abs(win.scrollY - want.y) > 1 || Math.abs(win.scrollX - want.x) > 1) return undefined;
    const loading = [...doc.images].some((img) => !img.complete) || doc.fonts.status !== "loaded";
    return loading ? undefined : true;
  }, at), "the page copy did not reach the visitor's scroll position", 10_000).catch(() => undefined);
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const visitorMasked = await visitor.evaluate(() => {
    const rects: { x: number; y: number; width: number; height: number }[] = [];
    const ui = document.querySelector<HTMLElement>("[data-airlock-ui]");
    if (ui) ui.style.visibility = "hidden";
    (document.activeElement as HTMLElement | null)?.blur?.();
    for (const el of document.querySelectorAll(".cobrowsing_nosync, input, textarea")) {
      if ((el.localName === "input" || el.localName === "textarea") && (el as HTMLInputElement).value === "") continue;
      const r = el.getBoundingClientRect();
      rects.push({ x: r.x, y: r.y, width: r.width, height: r.height });
    }
    return rects;
  });
  const copyMasked = await agent.evaluate((placeholder) => {
    const overlay = document.querySelector<HTMLElement>(".cb-overlay");
    if (overlay) overlay.style.visibility = "hidden";
    const doc = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument;
    const rects: { x: number; y: number; width: number; height: number }[] = [];
    for (const el of doc?.querySelectorAll("[data-airlock-masked], input, textarea") ?? []) {
      const field = el.localName === "input" || el.localName === "textarea";
      if (field && !(el as HTMLInputElement).value.includes(placeholder)) continue;
      const r = el.getBoundingClientRect();
      rects.push({ x: r.x, y: r.y, width: r.width, height: r.height });
    }
    return rects;
  }, MASK_PLACEHOLDER);
  try {
    const visitorShot = await visitor.screenshot({ type: "png" });
    // The frame may sit at a fractional position in the console; its content is drawn from the
    // nearest whole pixel, and an element screenshot would take one row or column more.
    const box = await agent.locator(".cb-scaler iframe").boundingBox();
    const copyShot = box
      ? await agent.screenshot({ type: "png", clip: { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) } })
      : await agent.locator(".cb-scaler iframe").screenshot({ type: "png" });
    return { visitor: visitorShot, copy: copyShot, visitorMasked, copyMasked };
  } finally {
    await visitor.evaluate(() => {
      const ui = document.querySelector<HTMLElement>("[data-airlock-ui]");
      if (ui) ui.style.visibility = "";
    });
    await agent.evaluate(() => {
      const overlay = document.querySelector<HTMLElement>(".cb-overlay");
      if (overlay) overlay.style.visibility = "";
    });
  }
}
