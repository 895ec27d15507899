import type { Bus } from "../bus/bus.js";
import type { DomainEvents } from "../events/domain-events.js";
import type { Config } from "../config/schema.js";
import { ReloadingKeyRing } from "../crypto/key-ring.js";
import { KeyVault } from "../crypto/vault/key-vault.js";
import type { PolicyEngine } from "../policy/engine.js";
import { ClusterPresence } from "../presence/cluster-presence.js";
import type { PresenceRegistry } from "../presence/registry.js";
import type { RetentionScheduler } from "../retention/scheduler.js";
import type { Storage } from "../storage/db.js";
import { AgentChatConnection, type ChatAgent } from "./agent-connection.js";
import { BusFanout } from "./bus-fanout.js";
import { ConversationKeys } from "./conversation-keys.js";
import { ClusterInvitations } from "./cluster-invitations.js";
import { ClusterOnlineAgents } from "./cluster-online-agents.js";
import { chatTranscriptsJob } from "./retention.js";
import { ChatService } from "./service.js";
import { ClamdScanner, parseClamdAddress } from "./files/clamd.js";
import { FileTransfers } from "./files/transfers.js";
import { VisitorChatConnection, type FrameSink } from "./visitor-connection.js";
import { VisitorDirectory } from "./visitor-directory.js";
import { VisitorQuotas } from "./visitor-quotas.js";
import { systemClock, type Clock } from "../relay/clock.js";
import { RoutingGate } from "./routing/gate.js";
import { ChatRouter } from "./routing/router.js";

/** How often visitors' availability is checked again, so business hours begin and end on time. */
const HOURS_CHECK_MS = 30_000;
import { VisitorIdentities } from "../visitor-identity/visitor-identities.js";

/** One end of a chat connection as the WebSocket layer drives it. */
export interface ChatEndpoint {
  /** Handles one text frame whose kind is a chat kind; never throws. */
  handle(text: string): Promise<void>;
  close(): void;
}

/** What a chat endpoint tells its socket. */
export interface ChatEndpointEvents {
  /** A frame was refused for load or quota; the socket counts it (wsOffenceLimit). */
  onOffence(): void;
}

/**
 * Live chat and presence for one Airlock process: the chat service (storage, data keys,
 * fan-out over the bus), the live visitor list, and the factories the WebSocket layer calls for
 * each visitor and agent connection. Its retention job is registered with the server's scheduler.
 */
export interface ChatRuntime {
  readonly service: ChatService;
  readonly keys: ConversationKeys;
  /** Attachments: sniffed, scanned by clamd, stored encrypted (src/chat/files). */
  readonly files: FileTransfers;
  readonly presence: PresenceRegistry;
  /** Teams and business hours as the current policy says (routing.yaml). */
  readonly routing: RoutingGate;
  readonly router: ChatRouter;
  openVisitor(visit: { siteId: string; visitorId: string; origin: string }, sink: FrameSink, events?: ChatEndpointEvents): ChatEndpoint;
  openAgent(agent: ChatAgent, sink: FrameSink, events?: ChatEndpointEvents): ChatEndpoint;
  /** Agents available for the site (a console connected, not away), on any replica. */
  agentsOnline(site: string): number;
  /** Their ids (transfer targets): connected and not away. */
  onlineAgentIds(site: string): string[];
  /** Stops announcing agents online and visitors, closes the key vault (after the sockets, before the bus). */
  close(): Promise<void>;
}

export interface ChatDeps {
  readonly config: Config;
  readonly storage: Storage;
  readonly policy: PolicyEngine;
  readonly bus: Bus;
  readonly retention: Pick<RetentionScheduler, "register">;
  readonly now?: () => number;
  /** Told when a routing pass fails (storage unreachable); the next change routes again. */
  readonly onRoutingError?: (err: unknown) => void;
  /** Time for routing (offer timeouts) and business hours; tests inject a manual clock. */
  readonly clock?: Clock;
  /** Where the chat service tells its domain events (webhooks listen). */
  readonly events?: DomainEvents;
}

export async function startChat(deps: ChatDeps): Promise<ChatRuntime> {
  const vault = await KeyVault.open(deps.config.keyVaultUrl, { poolSize: Math.min(deps.config.databasePoolSize, 4), tls: deps.config });
  const keys = await ConversationKeys.create(ReloadingKeyRing.fromConfig(deps.config), vault);
  const clock = deps.clock ?? systemClock;
  const now = deps.now ?? (deps.clock ? () => clock.now() : undefined);
  const fanout = new BusFanout(deps.bus);
  const service = new ChatService(deps.storage, keys, fanout, now, {}, deps.events);
  const clamd = deps.config.clamdAddress === undefined ? undefined : parseClamdAddress(deps.config.clamdAddress);
  const files = new FileTransfers(service, clamd ? new ClamdScanner(clamd, deps.config.clamdTimeoutMs) : undefined, () => deps.policy.policy.attachments, now);
  const presence = await ClusterPresence.start(deps.bus, deps.now ? { now: deps.now } : {});
  const visitors = new VisitorDirectory();
  const invitations = await ClusterInvitations.start(deps.bus, visitors, (site, visitor) => presence.has(site, visitor));
  const online = await ClusterOnlineAgents.start(deps.bus, deps.now ? { now: deps.now } : {});
  const routing = new RoutingGate(() => deps.policy.policy.routing, deps.storage, () => clock.now());
  const router = new ChatRouter({ storage: deps.storage, policy: () => deps.policy.policy.routing, availableAgents: (site) => online.agents(site), fanout, clock, ...(deps.onRoutingError ? { onError: deps.onRoutingError } : {}) });
  // A site's visitors learn at once when its last available agent goes away or the first comes
  // online; waiting chats are offered to an agent who came online.
  const stopAvailability = online.onChange((site) => {
    visitors.availabilityChanged(site);
    void router.route(site);
  });
  const stopRouting = service.onQueueChange((site) => void router.route(site));
  const hoursTimer = setInterval(() => visitors.availabilityChangedEverywhere(), HOURS_CHECK_MS);
  hoursTimer.unref();
  deps.retention.register("chatTranscripts", chatTranscriptsJob(deps.storage.db, keys));
  const sites = () => deps.policy.policy.sites.sites;
  const identities = new VisitorIdentities({
    db: deps.storage.db,
    site: (id) => (Object.hasOwn(sites(), id) ? sites()[id] : undefined),
    visits: presence,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const quotas = new VisitorQuotas(
    { openConversationsPerVisit: deps.config.chatOpenConversationsPerVisit, messagesPerMinutePerVisit: deps.config.chatMessagesPerMinutePerVisit },
    deps.now,
  );
  return {
    service,
    keys,
    files,
    presence,
    routing,
    router,
    openVisitor(visit, sink, events) {
      const conn = new VisitorChatConnection(service, presence, deps.policy, sink, visit, () => online.count(visit.siteId) > 0, {
        quotas,
        agentAvailable: (agentId) => online.agents(visit.siteId).includes(agentId),
        routing,
        route: (site) => void router.route(site),
        identities,
        files,
        ...(events ? { onOffence: () => events.onOffence() } : {}),
      });
      const leave = visitors.add(conn);
      presence.connected(visit.siteId, visit.visitorId);
      return {
        handle: (text) => conn.handle(text),
        close() {
          leave();
          conn.close();
          presence.disconnected(visit.siteId, visit.visitorId);
        },
      };
    },
    openAgent(agent, sink, events) {
      const conn = new AgentChatConnection(service, presence, invitations, online, deps.policy, sink, agent, events ? () => events.onOffence() : undefined, () => Object.keys(deps.policy.policy.sites.sites), routing, files);
      void conn.start();
      return { handle: (text) => conn.handle(text), close: () => conn.close() };
    },
    agentsOnline: (site) => online.count(site),
    onlineAgentIds: (site) => online.agents(site),
    async close() {
      stopAvailability();
      stopRouting();
      clearInterval(hoursTimer);
      router.close();
      online.close();
      presence.close();
      invitations.close();
      await vault.close();
    },
  };
}
