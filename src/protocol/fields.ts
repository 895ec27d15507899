import { z } from "zod";
import { LIMITS } from "./limits.js";

// Field schemas shared by the message kinds. Lengths here are schema limits; limits that need
// context (nodes, depth) are checked by the relay.
export const nodeId = z.number().int().min(1).max(LIMITS.maxNodeId);
/** A node id, or 0 for the document (scroll, focus). */
export const targetId = z.number().int().min(0).max(LIMITS.maxNodeId);
export const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const coordinate = z.number().finite().min(-1e7).max(1e7);
export const dimension = z.number().int().min(0).max(100_000);
export const httpUrl = z.string().min(1).max(LIMITS.maxUrlLength);
export const versions = z.array(z.number().int().min(1).max(1000)).min(1).max(16);
export const token = z.string().min(16).max(512);
export const mode = z.enum(["view", "control"]);
export const viewport = z.object({ width: dimension, height: dimension }).strict();
export const html = z.string().max(LIMITS.maxFrameBytes);
export type CobrowseMode = z.infer<typeof mode>;
