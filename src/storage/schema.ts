// The typed database schema. Each capability declares its tables in its own module and
// they are composed here; migrations under storage/migrations create them.
import type { Generated } from "kysely";
import type { AuditTables } from "../audit/schema.js";
import type { IdentityTables } from "../auth/tables.js";
import type { ChatTables } from "../chat/tables.js";
import type { ScimTables } from "../scim/tables.js";
import type { WorkspaceTables } from "../chat/workspace-tables.js";
import type { VisitorIdentityTables } from "../visitor-identity/tables.js";
import type { WebhookTables } from "../webhooks/tables.js";
import type { EpochMs } from "./epoch-ms.js";

export interface InstanceTable {
  key: string;
  value: string;
  updated_at: EpochMs;
}

export interface FoundationTables {
  airlock_instance: InstanceTable;
}

// Later capabilities extend this interface with their own table sets.
export interface Database extends FoundationTables, IdentityTables, AuditTables, ChatTables, WorkspaceTables, VisitorIdentityTables, ScimTables, WebhookTables {}

export type { Generated };
