import { z } from "zod";
import { coordinate, nodeId } from "./fields.js";
import { GUIDANCE_LIMITS } from "./guidance-limits.js";

// Agent guidance over the visitor's page: a laser trail, one outlined element, freehand strokes.
// All of it is drawn by the visitor script in an overlay that cannot act on the page; it needs the
// visitor's view consent like pointing does. Coordinates are document coordinates of the page
// (CSS pixels from the top-left of the document), so a stroke stays where it was drawn.

const gesture = z.number().int().min(0).max(2_147_483_647);
export const guidePoint = z.tuple([coordinate, coordinate]);
export type GuidePoint = z.infer<typeof guidePoint>;

/** A piece of a laser gesture; `end` on the gesture's last frame. */
export const laserMessage = z
  .object({ kind: z.literal("laser"), gesture, points: z.array(guidePoint).min(1).max(GUIDANCE_LIMITS.maxLaserPoints), end: z.boolean().optional() })
  .strict();
/** Outlines one element of the page (by node id) until cleared or replaced by another. */
export const outlineMessage = z.object({ kind: z.literal("outline"), id: nodeId }).strict();
/** One finished freehand stroke. */
export const drawMessage = z
  .object({ kind: z.literal("draw"), stroke: gesture, points: z.array(guidePoint).min(2).max(GUIDANCE_LIMITS.maxStrokePoints) })
  .strict();
/** Clears strokes, outline and laser, from either side. */
export const clearGuidesMessage = z.object({ kind: z.literal("clear-guides") }).strict();

export type LaserMessage = z.infer<typeof laserMessage>;
export type OutlineMessage = z.infer<typeof outlineMessage>;
export type DrawMessage = z.infer<typeof drawMessage>;

/** Server → visitor: the guidance to show (relayed only after every check passed). */
export type GuidanceToVisitor =
  | { kind: "laser"; points: GuidePoint[] }
  | { kind: "outline"; id: number }
  | { kind: "draw"; points: GuidePoint[] }
  | { kind: "clear-guides" };

/** Server → agents: the visitor's page no longer shows any guidance (who cleared it, or why). */
export interface GuidesClearedToAgent {
  kind: "guides-cleared";
  by: "visitor" | "agent" | "watcher-left";
}

/** The guidance tools, as audit entries and the console name them. */
export type GuideTool = "laser" | "outline" | "draw" | "clear";
