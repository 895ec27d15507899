import { GUIDANCE_LIMITS } from "../../protocol/guidance-limits.js";
import type { GuidePoint } from "../../protocol/guidance.js";

/**
 * The points of a laser or stroke frame as the page accepts them: the relay validated them
 * already; the page checks again (an array of finite number pairs, within the limits) and
 * draws nothing otherwise.
 */
export function guidePoints(value: unknown, tool: "laser" | "draw"): GuidePoint[] | undefined {
  const max = tool === "laser" ? GUIDANCE_LIMITS.maxLaserPoints : GUIDANCE_LIMITS.maxStrokePoints;
  if (!Array.isArray(value) || value.length === 0 || value.length > max) return undefined;
  const out: GuidePoint[] = [];
  for (const p of value as unknown[]) {
    if (!Array.isArray(p) || p.length !== 2) return undefined;
    const [x, y] = p as unknown[];
    if (typeof x !== "number" || typeof y !== "number" || !Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 1e7 || Math.abs(y) > 1e7) return undefined;
    out.push([x, y]);
  }
  return out;
}
