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
 * the next agent. Offers, the skills a chat's page prefers and the agents whose offer of it ran
 * out live in the conversation row, so server processes never offer one chat twice at once and
 * route alike; an offer whose process stopped runs out all the same (any process's next pass
 * withdraws it, and each process wakes for the offers of others it saw standing). After every
 * pass, each waiting visitor learns their place in their team's queue.
 */
export class ChatRouter {
  /** Per site, the pass running now: passes of one site take turns. */
  readonly #passes = new Map<string, Promise<void>>();
  readonly #timers = new Map<string, unknown>();
  /** Standing offers this process made (chat → site and agent), withdrawn when the chat stops waiting. */
  readonly #offers = new Map<string, { readonly site: string; readonly agentId: string }>();
  /** Per site, a pass due when the earliest offer another process made runs out. */
  readonly #wakes = new Map<string, { readonly at: number; readonly timer: unknown }>();

  constructor(private readonly deps: RouterDeps) {}

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
    for (const w of this.#wakes.values()) this.deps.clock.clearTimeout(w.timer);
    this.#timers.clear();
    this.#wakes.clear();
    this.#offers.clear();
  }

  async #pass(siteId: string): Promise<void> {
    const now = this.deps.clock.now();
    let queue = await queuedChats(this.deps.storage.db, siteId);
    if (await this.#expireOthersOffers(siteId, queue, now)) queue = await queuedChats(this.deps.storage.db, siteId);
    this.#forgetGone(siteId, queue);
    this.#announcePositions(queue);
    this.#wakeForOthersOffers(siteId, queue, now);
    const policy = this.deps.policy();
    const site = siteRouting(policy, siteId);
    if (!site || queue.length === 0) return;
    const open = queue.filter((c) => !(c.offeredAgentId !== null && (c.offerExpiresAt ?? 0) > now));
    if (open.length === 0) return;
    const candidates = await this.#candidates(siteId, queue, now);
    for (const chat of open) {
      const team = chat.team ?? site.defaultTeam;
      const max = site.teams[team]?.maxConcurrentChats ?? 0;
      const pick = this.#pick(chat, team, max, candidates);
      if (!pick) continue;
      const expiresAt = now + policy.offer.timeoutSeconds * 1000;
      if (!(await claimOffer(this.deps.storage.db, chat.id, pick.agent.id, now, expiresAt, pick.newRound))) continue;
      const agent = pick.agent;
      agent.free -= 1;
      this.deps.fanout.publish(topics.agent(agent.id), { type: "offer", conversationId: chat.id, site: siteId, team, expiresAt });
      this.#expireLater(siteId, chat.id, agent.id, expiresAt - now);
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

  /**
   * The team's agent with the most free capacity (ties: idle longest), preferring the wanted
   * skills and agents whose offer of this chat has not run out; `newRound` once all had a turn.
   */
  #pick(chat: QueuedChat, team: string, max: number, candidates: readonly Candidate[]): { agent: Candidate; newRound: boolean } | undefined {
    const inTeam = candidates.filter((c) => c.teams.includes(team) && max + c.free > 0);
    const passed = new Set(chat.expiredOfferAgentIds);
    let fresh = inTeam.filter((c) => !passed.has(c.id));
    const newRound = fresh.length === 0 && passed.size > 0;
    // Everyone had their turn: start the round again.
    if (newRound) fresh = inTeam;
    const skilled = fresh.filter((c) => chat.wantedSkills.every((s) => c.skills.has(s)));
    const pool = skilled.length > 0 ? skilled : fresh;
    const agent = [...pool].sort((a, b) => b.free - a.free || a.lastAcceptedAt - b.lastAcceptedAt || a.id.localeCompare(b.id))[0];
    return agent ? { agent, newRound } : undefined;
  }

  /**
   * Withdraws the offers that ran out and that no timer of this process will withdraw: their
   * process stopped, or its timer is late. True when any was withdrawn.
   */
  async #expireOthersOffers(siteId: string, queue: readonly QueuedChat[], now: number): Promise<boolean> {
    let any = false;
    for (const c of queue) {
      if (c.offeredAgentId === null || (c.offerExpiresAt ?? 0) > now || this.#offers.has(c.id)) continue;
      if (await this.#withdrawExpired(siteId, c.id, c.offeredAgentId)) any = true;
    }
    return any;
  }

  /** Withdraws an offer that ran out and tells its agent; false when another process did, or the chat no longer waits. */
  async #withdrawExpired(siteId: string, chatId: string, agentId: string): Promise<boolean> {
    if (!(await withdrawOffer(this.deps.storage.db, chatId, agentId))) return false;
    this.deps.fanout.publish(topics.agent(agentId), { type: "offer-expired", conversationId: chatId, site: siteId });
    return true;
  }

  /** Routes the site again when the earliest offer another process made runs out. */
  #wakeForOthersOffers(siteId: string, queue: readonly QueuedChat[], now: number): void {
    const due = queue.filter((c) => c.offeredAgentId !== null && (c.offerExpiresAt ?? 0) > now && !this.#offers.has(c.id)).map((c) => c.offerExpiresAt ?? now);
    const current = this.#wakes.get(siteId);
    if (due.length === 0) {
      if (current) this.deps.clock.clearTimeout(current.timer);
      this.#wakes.delete(siteId);
      return;
    }
    const at = Math.min(...due);
    if (current?.at === at) return;
    if (current) this.deps.clock.clearTimeout(current.timer);
    const timer = this.deps.clock.setTimeout(() => {
      this.#wakes.delete(siteId);
      void this.route(siteId);
    }, at - now + 1);
    this.#wakes.set(siteId, { at, timer });
  }

  #expireLater(siteId: string, chatId: string, agentId: string, ms: number): void {
    const previous = this.#timers.get(chatId);
    if (previous !== undefined) this.deps.clock.clearTimeout(previous);
    this.#offers.set(chatId, { site: siteId, agentId });
    const timer = this.deps.clock.setTimeout(() => {
      this.#timers.delete(chatId);
      this.#offers.delete(chatId);
      void this.#withdrawExpired(siteId, chatId, agentId)
        .then((withdrawn) => (withdrawn ? this.route(siteId) : undefined))
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
  }
}
