import { GUIDANCE_LIMITS } from "../../protocol/guidance-limits.js";
import { fail } from "../failure.js";
import { check } from "./check.js";

/** Another freehand stroke fits on the visitor's page (clearing makes room again). */
export const strokeRoom = check<unknown>("guide:strokes", ({ room: session }) =>
  session.strokes < GUIDANCE_LIMITS.maxStrokesPerSession
    ? undefined
    : fail("too_many_strokes", `the visitor's page already shows ${GUIDANCE_LIMITS.maxStrokesPerSession} strokes; clear them first`),
);
