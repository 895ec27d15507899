import type { RouteDef } from "../../http/route.js";
import { createCanned, deleteCanned, listAllCanned, listCanned, updateCanned } from "./canned-routes.js";
import { closedChats } from "./closed-routes.js";
import { gdprErase, gdprExport } from "./gdpr-routes.js";
import { agentDownload, visitorDownload } from "./file-routes.js";
import { chatRatings } from "./rating-routes.js";
import { chatQueue, chatStats, chatSupervision, liveVisitors } from "./stats-routes.js";
import { activeChats, chatSites, onlineAgents } from "./team-routes.js";
import { readTranscriptRoute, searchTranscripts } from "./transcript-routes.js";

/** Live chat's HTTP API; each route names its policy action. */
export const chatRoutes: readonly RouteDef<unknown>[] = [
  searchTranscripts,
  readTranscriptRoute,
  gdprExport,
  gdprErase,
  chatStats,
  chatSupervision,
  chatQueue,
  liveVisitors,
  listCanned,
  listAllCanned,
  createCanned,
  updateCanned,
  deleteCanned,
  chatSites,
  onlineAgents,
  activeChats,
  closedChats,
  agentDownload,
  visitorDownload,
  chatRatings,
] as readonly RouteDef<unknown>[];
