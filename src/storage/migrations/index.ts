import type { Migration } from "kysely/migration";
import * as m0001 from "./0001_foundation.js";
import * as m0002 from "./0002_policy_audit.js";
import * as m0003 from "./0003_identity.js";
import * as m0004 from "./0004_chat.js";
import * as m0005 from "./0005_agent_workspace.js";
import * as m0006 from "./0006_chat_routing.js";
import * as m0007 from "./0007_visitor_identity.js";
import * as m0008 from "./0008_chat_files_ratings.js";
import * as m0009 from "./0009_scim.js";
import * as m0010 from "./0010_webhooks.js";
import * as m0011 from "./0011_routing_memory.js";

// The one ordered list of migrations for both dialects. Names sort in the order they run;
// a new migration gets the next number and is never edited after it has shipped.
export const migrations: Readonly<Record<string, Migration>> = {
  "0001_foundation": m0001,
  "0002_policy_audit": m0002,
  "0003_identity": m0003,
  "0004_chat": m0004,
  "0005_agent_workspace": m0005,
  "0006_chat_routing": m0006,
  "0007_visitor_identity": m0007,
  "0008_chat_files_ratings": m0008,
  "0009_scim": m0009,
  "0010_webhooks": m0010,
  "0011_routing_memory": m0011,
};
