// Tables of the agent workspace: each agent's availability (kept on the server, so a reload, a
// second tab or another browser shows the same choice and routing follows it), and which
// co-browse sessions ran during a conversation (ids only: the transcript reads the audit trail's
// co-browse events for those sessions; nothing of the page is stored).
import type { AgentAvailability } from "../protocol/chat-frames.js";
import type { EpochMs } from "../storage/epoch-ms.js";

export interface AgentAvailabilityTable {
  agent_id: string;
  status: AgentAvailability;
  updated_at: EpochMs;
}

export interface ChatCobrowseSessionTable {
  conversation_id: string;
  /** The co-browse session id, as the audit trail names it (`room:<id>@<site>`). */
  session_id: string;
  site_id: string;
  linked_at: EpochMs;
}

export interface WorkspaceTables {
  agent_availability: AgentAvailabilityTable;
  chat_cobrowse_session: ChatCobrowseSessionTable;
}
