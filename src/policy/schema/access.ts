import { z } from "zod";
import { AGENT_ACTIONS, ROLES } from "../actions.js";
import { asvsRefs, policyVersion } from "./asvs.js";

const role = z.enum(ROLES, { error: (i) => `unknown role: ${String(i.input)} (roles are ${ROLES.join(", ")})` });
const agentAction = z.enum(AGENT_ACTIONS, { error: (i) => `unknown or non-grantable action: ${String(i.input)}` });

const roleDef = z.strictObject({
  description: z.string().min(1),
  permissions: z.array(agentAction),
  asvs: asvsRefs,
});

/** Extra facts an action needs besides a role that grants it. */
const condition = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/, "condition ids are lowercase words joined by dashes"),
  actions: z.array(agentAction).min(1),
  require: z
    .strictObject({
      /** The agent is assigned to the conversation. */
      assigned: z.literal(true).optional(),
      /** The visitor granted at least this co-browse mode. */
      grantedMode: z.enum(["view", "control"]).optional(),
      /** The visitor consented to this mode (only where cobrowse.yaml requires consent for it). */
      consent: z.enum(["view", "control"]).optional(),
    })
    .refine((r) => Object.keys(r).length > 0, "a condition requires at least one fact"),
  /** Roles that satisfy `assigned` without being assigned (e.g. supervisors taking over). */
  assignmentExemptRoles: z.array(role).default([]),
  asvs: asvsRefs,
});

export const accessSchema = z.strictObject({
  version: policyVersion,
  roles: z.partialRecord(role, roleDef),
  groupMapping: z.strictObject({
    description: z.string().min(1),
    /** IdP group name → Airlock roles. */
    groups: z.record(z.string().min(1), z.array(role).min(1)),
    asvs: asvsRefs,
  }),
  conditions: z.array(condition).default([]),
  /** Actions whose decisions (allowed and denied) are written to the audit trail. */
  auditedActions: z.strictObject({ actions: z.array(agentAction), asvs: asvsRefs }),
});

export type AccessPolicy = z.output<typeof accessSchema>;
export type AccessCondition = z.output<typeof condition>;
