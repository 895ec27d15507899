import * as z from "zod/mini";
import type { AgentAction } from "../../policy/actions.js";
import { ApiError, api } from "./api.js";

// Who is looking at the console, as the server says (GET /api/v1/me). The console never
// decides permissions itself: navigation and page access read `permissions` from here.

const totpStatus = z.enum(["none", "pending", "enrolled"]);

const meSchema = z.discriminatedUnion("stage", [
  z.object({ stage: z.literal("mfa"), name: z.string(), totp: totpStatus }),
  z.object({
    stage: z.literal("ready"),
    agent: z.object({ id: z.string(), name: z.string(), email: z.nullable(z.string()), subject: z.string(), issuer: z.string() }),
    roles: z.array(z.string()),
    permissions: z.array(z.string()),
    session: z.object({ ref: z.string(), createdAt: z.number(), idleTimeoutMs: z.number(), absoluteExpiresAt: z.number() }),
    mfa: z.object({ totp: totpStatus, recoveryCodesLeft: z.number() }),
  }),
]);

type Me = z.infer<typeof meSchema>;
export type ReadyMe = Extract<Me, { stage: "ready" }>;

export interface SignedOutViewer {
  readonly stage: "signed-out";
}
export interface MfaViewer {
  readonly stage: "mfa";
  readonly name: string;
  readonly totp: "none" | "pending" | "enrolled";
}
export interface ReadyViewer extends ReadyMe {
  /** Whether the policy grants this action (as reported by the server). */
  can(action: AgentAction): boolean;
}
export type Viewer = SignedOutViewer | MfaViewer | ReadyViewer;

export async function loadViewer(): Promise<Viewer> {
  let me: Me;
  try {
    me = await api.get("/api/v1/me", meSchema);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return { stage: "signed-out" };
    throw err;
  }
  if (me.stage === "mfa") return me;
  const granted = new Set(me.permissions);
  return { ...me, can: (action) => granted.has(action) };
}
