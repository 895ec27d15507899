import type { Clock } from "../../relay/clock.js";
import type { RoutingPolicy } from "../../policy/schema/routing.js";
import type { Storage } from "../../storage/db.js";
import { topics, type ChatFanout } from "../fanout.js";
import { agentGroups, agentLoads, claimOffer, queuedChats, withdrawOffer, type QueuedChat } from "./routing-store.js";
import { siteRouting, skillsOfGroups, teamsOfGroups } from "./teams.js";

export interface RouterDeps {
  readonly storage: Storage;
  readonly policy: () => RoutingPolicy;
  /** Ids of the agents available for a site now (online, not away), on any server process. */
  readonly availableAgents: (site: string) => readonly string[];
  readonly fanout: ChatFanout;
  readonly clock: Clock;
  /** Told of a routing pass that failed (storage down); the next change routes again. */
  readonly onError?: (err: unknown) => void;
}

interface Candidate {
  readonly id: string;
  free: number;
  readonly lastAcceptedAt: number;
  readonly teams: readonly string[];
  readonly skills: ReadonlySet<string>;
}

/**
 * Offers waiting chats to agents: each chat of a routed site (routing.yaml) goes to an available
 * agent of its team with free capacity (most free first, ties: idle longest, agents with the
 * page's skills preferred). An offer stands for `offer.timeoutSeconds`; unanswered, it moves to
 * the next agent. Offers live in the conversation row, so server processes never offer one chat
 * twice at once. After every pass, each waiting visitor learns their place in their team's queue.
 */
export class ChatRouter {
  /** Per site, the pass running now: passes of one site take turns. */
  readonly #passes = new Map<string, Promise<void>>();
  readonly #timers = new Map<string, unknown>();
  /** Standing offers this process made (chat → site and agent), withdrawn when the chat stops waiting. */
  readonly #offers = new Map<string, { readonly site: string; readonly agentId: string }>();
  /** Agents whose offer of a chat ran out: the chat goes to others first. */
  readonly #passed = new Map<string, { readonly site: string; readonly agents: Set<string> }>();
  /** Skills a waiting chat's page asked for (kept while it waits on this process). */
  readonly #skills = new Map<string, { readonly site: string; readonly skills: readonly string[] }>();

  constructor(private readonly deps: RouterDeps) {}

  /** Remembers the skills a new chat's page rule prefers. */
  prefer(siteId: string, conversationId: string, skills: readonly string[]): void {
    if (skills.length > 0) this.#skills.set(conversationId, { site: siteId, skills });
  }

  /** Routes a site's waiting chats and tells visitors their place; resolves when done (never rejects). */
  route(siteId: string): Promise<void> {
    const previous = this.#passes.get(siteId) ?? Promise.resolve();
    const next = previous.then(() => this.#pass(siteId)).catch((err: unknown) => this.deps.onError?.(err));
    this.#passes.set(siteId, next);
    void next.then(() => {
      if (this.#passes.get(siteId) === next) this.#passes.delete(siteId);
    });
    return next;
  }

  close(): void {
    for (const t of this.#timers.values()) this.deps.clock.clearTimeout(t);
    this.#timers.clear();
    this.#offers.clear();
  }

  async #pass(siteId: string): Promise<void> {
    const queue = await queuedChats(this.deps.storage.db, siteId);
    this.#forgetGone(siteId, queue);
    this.#announcePositions(queue);
    const policy = this.deps.policy();
    const site = siteRouting(policy, siteId);
    if (!site || queue.length === 0) return;
    const now = this.deps.clock.now();
    const open = queue.filter((c) => !(c.offeredAgentId !== null && (c.offerExpiresAt ?? 0) > now));
    if (open.length === 0) return;
    const candidates = await this.#candidates(siteId, queue, now);
    for (const chat of open) {
      const team = chat.team ?? site.defaultTeam;
      const max = site.teams[team]?.maxConcurrentChats ?? 0;
      const pick = this.#pick(chat.id, team, max, candidates);
      if (!pick) continue;
      const expiresAt = now + policy.offer.timeoutSeconds * 1000;
      if (!(await claimOffer(this.deps.storage.db, chat.id, pick.id, now, expiresAt))) continue;
      pick.free -= 1;
      this.deps.fanout.publish(topics.agent(pick.id), { type: "offer", conversationId: chat.id, site: siteId, team, expiresAt });
      this.#expireLater(siteId, chat.id, pick.id, expiresAt - now);
    }
  }

  async #candidates(siteId: string, queue: readonly QueuedChat[], now: number): Promise<Candidate[]> {
    const policy = this.deps.policy();
    const site = siteRouting(policy, siteId);
    const ids = [...this.deps.availableAgents(siteId)];
    if (!site || ids.length === 0) return [];
    const [groups, loads] = await Promise.all([agentGroups(this.deps.storage.db, ids), agentLoads(this.deps.storage.db, ids)]);
    // Standing offers take capacity until they are answered or run out.
    const offered = new Map<string, number>();
    for (const c of queue) if (c.offeredAgentId && (c.offerExpiresAt ?? 0) > now) offered.set(c.offeredAgentId, (offered.get(c.offeredAgentId) ?? 0) + 1);
    return ids.map((id) => {
      const g = groups.get(id) ?? [];
      const load = loads.get(id) ?? { active: 0, lastAcceptedAt: 0 };
      return { id, free: -(load.active + (offered.get(id) ?? 0)), lastAcceptedAt: load.lastAcceptedAt, teams: teamsOfGroups(site, g), skills: skillsOfGroups(policy, g) };
    });
  }

  /** The team's agent with the most free capacity (ties: idle longest), preferring the wanted skills. */
  #pick(chatId: string, team: string, max: number, candidates: readonly Candidate[]): Candidate | undefined {
    const inTeam = candidates.filter((c) => c.teams.includes(team) && max + c.free > 0);
    let passed = this.#passed.get(chatId)?.agents ?? new Set<string>();
    let fresh = inTeam.filter((c) => !passed.has(c.id));
    if (fresh.length === 0 && passed.size > 0) {
      // Everyone had their turn: start the round again.
      this.#passed.delete(chatId);
      passed = new Set();
      fresh = inTeam;
    }
    const wanted = this.#skills.get(chatId)?.skills ?? [];
    const skilled = fresh.filter((c) => wanted.every((s) => c.skills.has(s)));
    const pool = skilled.length > 0 ? skilled : fresh;
    return [...pool].sort((a, b) => b.free - a.free || a.lastAcceptedAt - b.lastAcceptedAt || a.id.localeCompare(b.id))[0];
  }

  #expireLater(siteId: string, chatId: string, agentId: string, ms: number): void {
    const previous = this.#timers.get(chatId);
    if (previous !== undefined) this.deps.clock.clearTimeout(previous);
    this.#offers.set(chatId, { site: siteId, agentId });
    const timer = this.deps.clock.setTimeout(() => {
      this.#timers.delete(chatId);
      this.#offers.delete(chatId);
      void withdrawOffer(this.deps.storage.db, chatId, agentId)
        .then((withdrawn) => {
          if (!withdrawn) return;
          let passed = this.#passed.get(chatId);
          if (!passed) this.#passed.set(chatId, (passed = { site: siteId, agents: new Set() }));
          passed.agents.add(agentId);
          this.deps.fanout.publish(topics.agent(agentId), { type: "offer-expired", conversationId: chatId, site: siteId });
          return this.route(siteId);
        })
        .catch((err: unknown) => this.deps.onError?.(err));
    }, ms);
    this.#timers.set(chatId, timer);
  }

  /** Each waiting visitor's place in their team's queue (1 = next). */
  #announcePositions(queue: readonly QueuedChat[]): void {
    const places = new Map<string, number>();
    for (const c of queue) {
      const key = c.team ?? "";
      const place = (places.get(key) ?? 0) + 1;
      places.set(key, place);
      this.deps.fanout.publish(topics.conversation(c.id), { type: "queue", conversationId: c.id, position: place });
    }
  }

  /** Drops what this process remembers about chats that no longer wait. */
  #forgetGone(siteId: string, queue: readonly QueuedChat[]): void {
    const waiting = new Set(queue.map((c) => c.id));
    // An offered chat that was taken or ended: its agent's console drops the offer at once.
    for (const [id, offer] of this.#offers) {
      if (offer.site !== siteId || waiting.has(id)) continue;
      this.#offers.delete(id);
      const timer = this.#timers.get(id);
      if (timer !== undefined) this.deps.clock.clearTimeout(timer);
      this.#timers.delete(id);
      this.deps.fanout.publish(topics.agent(offer.agentId), { type: "offer-withdrawn", conversationId: id, site: siteId });
    }
    for (const memory of [this.#passed, this.#skills]) {
      for (const [id, entry] of memory) if (entry.site === siteId && !waiting.has(id)) memory.delete(id);
    }
  }
}
