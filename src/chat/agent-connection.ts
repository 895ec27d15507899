import { randomBytes } from "node:crypto";
import { AirlockError, asAirlockError } from "../errors.js";
import type { PolicyEngine } from "../policy/engine.js";
import { agentChatMessage, type AgentChatMessage, type ChatServerFrame } from "../protocol/chat-messages.js";
import { ConsoleVisitorQueries } from "../presence/console-visitor-queries.js";
import type { PresenceRegistry } from "../presence/registry.js";
import { storeAvailability, storedAvailability } from "./availability-store.js";
import { siteVisibleTo } from "../presence/site-visibility.js";
import { ChatFrameQueue } from "./chat-frame-queue.js";
import { authorizeAgentFrame, type FrameGrant } from "./authorize-frame.js";
import { topics, type ChatEvent, type Subscription } from "./fanout.js";
import { conversationFrame, messageFrame } from "./frames.js";
import type { Participation } from "./participation.js";
import { activeConversationsOf, waitingConversations } from "./queue.js";
import type { ChatService } from "./service.js";
import type { OnlineAgents } from "./online-agents.js";
import type { Invitations } from "./invitation.js";
import { ChatRefusal } from "./refusal.js";
import type { FrameSink } from "./visitor-connection.js";
import type { RoutingGate } from "./routing/gate.js";
import type { ConnectionUploads, FileTransfers } from "./files/transfers.js";

export interface ChatAgent {
  readonly agentId: string;
  /** Display name (IdP `name` claim, else the username): shown with this agent's messages. */
  readonly name?: string;
  readonly roles: readonly string[];
  /** Whether the second factor of the agent's login session is satisfied (from the socket's principal). */
  readonly mfa: boolean;
  /** The client address of the connection (network allowlist), after trusted-proxy processing. */
  readonly sourceAddress?: string;
}

/**
 * Chat for one agent console connection: site queues and the live visitor list, several chats
 * at once, transfer, supervisor join, invitations. Every kind's action is decided by the policy
 * engine with the facts it needs (roles, MFA, whether the agent is assigned).
 */
export class AgentChatConnection {
  readonly #subscriptions = new Map<string, Subscription>();
  /** Conversations this connection follows, and how the agent takes part in each. */
  readonly #following = new Map<string, Participation>();
  readonly #frames: ChatFrameQueue<AgentChatMessage>;
  /** The stored availability, applied to this replica's count before any frame is handled. */
  #availabilityLoaded: Promise<{ err: unknown } | undefined> = Promise.resolve(undefined);
  /** Availability changes seen since the load began (a newer choice wins over the loaded one). */
  #availabilityChanges = 0;
  /** The live visitor list's queries of this console (a page and counts each, never every page view). */
  readonly #visitorQueries: ConsoleVisitorQueries;
  #closed = false;
  #uploads: ConnectionUploads | undefined;

  constructor(
    private readonly chat: ChatService,
    private readonly presence: PresenceRegistry,
    private readonly visitors: Invitations,
    private readonly online: OnlineAgents,
    private readonly policy: Pick<PolicyEngine, "decide">,
    private readonly sink: FrameSink,
    readonly agent: ChatAgent,
    /** Told of each refusal for load (the socket closes a persistent offender). */
    onOffence?: () => void,
    /** The registered sites: an agent who sets an availability counts for each of them. */
    private readonly sites: () => readonly string[] = () => [],
    /** Teams and business hours (routing.yaml); without it, every agent takes every chat at any hour. */
    private readonly routing?: RoutingGate,
    /** Attachments (src/chat/files); without them every file frame is refused `not_allowed`. */
    private readonly files?: FileTransfers,
  ) {
    this.#frames = new ChatFrameQueue(agentChatMessage, (frame) => this.#send(frame), (m) => this.#authorizeAndDispatch(m), onOffence);
    this.#visitorQueries = new ConsoleVisitorQueries(presence, (site) => siteVisibleTo(policy, agent, site), (frame) => this.#send(frame));
  }

  /**
   * Re-attaches the agent's active chats (after a reload or reconnect); the console then resumes
   * each. Nothing awaits this, so it never rejects: a failure (storage, bus) is told to the
   * console as a chat-error, as for a frame that failed.
   */
  async start(): Promise<void> {
    this.#availabilityLoaded = this.#loadAvailability();
    // This agent's own topic: availability set in another console, where invitations stand.
    const own = topics.agent(this.agent.agentId);
    // A chat assigned here also arrives through the site's queue when this console watches the site: once is enough.
    const fromOwnTopic = (e: ChatEvent) => {
      if (e.type === "conversation" && this.#subscriptions.has(topics.site(e.conversation.siteId))) return;
      this.#deliver(e);
    };
    this.#subscriptions.set(own, this.chat.fanout.subscribe(own, fromOwnTopic));
    let failure: { err: unknown } | undefined;
    try {
      await this.#subscriptions.get(own)?.ready;
      for (const c of await activeConversationsOf(this.chat.storage.db, this.agent.agentId)) {
        await this.#follow(c.id, "handler");
        this.#send(conversationFrame(c, "accepted", "agent"));
      }
    } catch (err) {
      failure = { err };
    }
    // Storage that fails at the start fails both reads: the console is told once.
    failure ??= await this.#availabilityLoaded;
    if (failure) this.#sendFailure(failure.err);
  }

  /** Handles one text frame from the console (in arrival order; see ChatFrameQueue). */
  handle(text: string): Promise<void> {
    return this.#frames.handle(text);
  }

  async #authorizeAndDispatch(m: AgentChatMessage): Promise<void> {
    await this.#availabilityLoaded;
    // Authorize first, act after: a refused frame subscribes to nothing and changes nothing.
    const grant = await authorizeAgentFrame({ storage: this.chat.storage, policy: this.policy }, this.agent, m);
    await this.#dispatch(m, grant);
  }

  async #dispatch(m: AgentChatMessage, grant: FrameGrant): Promise<void> {
    const me = { kind: "agent" as const, agentId: this.agent.agentId, ...(this.agent.name ? { name: this.agent.name } : {}) };
    switch (m.kind) {
      case "watch-site": {
        await this.#followSite(m.site);
        // The site's visitors come through visitor queries (visitors-query), one page at a time.
        if (!this.#subscriptions.has(`online:${m.site}`)) {
          const release = this.online.watch(m.site, this.agent.agentId);
          this.#subscriptions.set(`online:${m.site}`, { ready: Promise.resolve(), stop: release });
        }
        for (const c of await waitingConversations(this.chat.storage.db, m.site)) this.#send(conversationFrame(c, c.state === "offline" ? "offline" : "queued", "agent"));
        // What the console may attach (it offers no button otherwise).
        if (this.files) this.#send(this.files.limits());
        return;
      }
      case "chat-accept": {
        if (this.online.availabilityOf(this.agent.agentId) === "away") throw new ChatRefusal("agent_away", "you are away: set yourself online to take chats");
        if (grant.conversation) await this.routing?.mustBeInTeam(this.agent, grant.conversation);
        // The claim is atomic (another agent may have been first): follow only once it is ours.
        const c = await this.chat.accept(this.agent.agentId, m.conversation, this.agent.name);
        await this.#follow(c.id, "handler");
        // The announcement reached this connection through the site's queue, if it watches that site.
        if (!this.#subscriptions.has(topics.site(c.siteId))) this.#send(conversationFrame(c, "accepted", "agent"));
        return;
      }
      case "chat-send": {
        const r = await this.chat.send(me, m.conversation, m.clientId, m.text);
        return this.#send({ kind: "chat-ack", conversation: m.conversation, clientId: m.clientId, seq: r.message.seq });
      }
      case "chat-typing":
        this.chat.typing(me, m.conversation, m.typing);
        return;
      case "chat-file-start":
        return this.#files(me).start(m);
      case "chat-file-chunk":
        return this.#files(me).chunk(m);
      case "chat-resume": {
        // Subscribe (now that participation is proven), then read: a message committed in
        // between arrives twice at most, and clients drop any seq they already have.
        await this.#follow(m.conversation, grant.participation ?? "handler");
        for (const msg of await this.chat.resume(me, m.conversation, m.afterSeq)) this.#send(messageFrame(msg, "agent"));
        return;
      }
      case "chat-end":
        await this.chat.end(me, m.conversation);
        return;
      case "chat-transfer": {
        const site = grant.conversation?.siteId ?? "";
        const from = { agentId: this.agent.agentId, force: this.agent.roles.includes("supervisor") };
        if (m.team !== undefined) {
          // To a team's queue: routing offers it to that team's agents.
          if (!this.routing) throw new ChatRefusal("unknown_team", "this site has no teams");
          this.routing.mustKnowTeam(site, m.team);
          await this.chat.transferToTeam(from, m.conversation, m.team, m.note);
          return;
        }
        // Routing respects availability: only an agent online for the chat's site receives it.
        const to = m.to ?? "";
        if (!this.online.agents(site).includes(to)) throw new ChatRefusal("agent_unavailable", "that agent is not available for this site");
        await this.chat.transfer(from, m.conversation, to, m.note);
        return;
      }
      case "chat-join": {
        await this.chat.join(this.agent.agentId, m.conversation);
        await this.#follow(m.conversation, "supervisor");
        return;
      }
      case "chat-invite": {
        // Outside business hours no invitation goes out (for the team of the page the visitor is on).
        if (this.routing) this.routing.mustBeOpen(m.site, this.routing.destination(m.site, undefined, this.presence.pageOf(m.site, m.visitor))?.team);
        const invite = randomBytes(12).toString("base64url");
        const invitation = { id: invite, text: m.text ?? "", agentId: this.agent.agentId, ...(this.agent.name ? { agentName: this.agent.name } : {}) };
        if (!this.visitors.invite(m.site, m.visitor, invitation)) throw new AirlockError("not_found", "the visitor is no longer on the site");
        this.#send({ kind: "chat-invite-status", invite, site: m.site, visitor: m.visitor, status: "sent" });
        return;
      }
      case "watch-availability":
        this.#countForEverySite();
        return this.#send({ kind: "agent-availability", status: this.online.availabilityOf(this.agent.agentId) });
      case "visitors-query":
        return this.#visitorQueries.start(m.query, m.filter);
      case "visitors-stop":
        return this.#visitorQueries.stop(m.query);
      case "set-availability": {
        // Stored first: a reload, another tab or another server process reads the same choice.
        await storeAvailability(this.chat.storage.db, this.agent.agentId, m.status, Date.now());
        this.#availabilityChanges += 1;
        this.online.setAvailability(this.agent.agentId, m.status);
        this.#countForEverySite();
        // Every console of this agent, on any replica, learns it (and applies it to its replica's count).
        this.chat.fanout.publish(topics.agent(this.agent.agentId), { type: "availability", agentId: this.agent.agentId, status: m.status });
        return;
      }
    }
  }

  /** Counted for every registered site from now on, whichever console page is open. */
  #countForEverySite(): void {
    if (this.#subscriptions.has("availability")) return;
    const releases = this.sites().map((site) => this.online.watch(site, this.agent.agentId));
    this.#subscriptions.set("availability", { ready: Promise.resolve(), stop: () => releases.forEach((r) => r()) });
  }

  /** Applies the agent's stored choice to this replica's count; a failure is returned for start() to tell the console (the agent counts as online meanwhile). */
  async #loadAvailability(): Promise<{ err: unknown } | undefined> {
    const changesBefore = this.#availabilityChanges;
    try {
      const status = await storedAvailability(this.chat.storage.db, this.agent.agentId);
      if (this.#availabilityChanges === changesBefore) this.online.setAvailability(this.agent.agentId, status);
      return undefined;
    } catch (err) {
      return { err };
    }
  }

  #files(me: { kind: "agent"; agentId: string; name?: string }): ConnectionUploads {
    const files = this.files;
    if (!files) throw new ChatRefusal("not_allowed", "file transfer is not available");
    return (this.#uploads ??= files.uploads(me, (frame) => this.#send(frame)));
  }

  close(): void {
    this.#uploads?.close();
    this.#closed = true;
    this.#visitorQueries.close();
    for (const s of this.#subscriptions.values()) s.stop();
    this.#subscriptions.clear();
    this.#following.clear();
  }

  /** Follows a conversation this agent takes part in, remembering how (a handler stops following when the chat is transferred away). */
  #follow(conversationId: string, participation: Participation): Promise<void> {
    const topic = topics.conversation(conversationId);
    if (participation === "supervisor" || !this.#following.has(conversationId)) this.#following.set(conversationId, participation);
    return this.#subscribe(topic);
  }

  #followSite(site: string): Promise<void> {
    return this.#subscribe(topics.site(site));
  }

  #unfollow(conversationId: string): void {
    this.#following.delete(conversationId);
    const topic = topics.conversation(conversationId);
    this.#subscriptions.get(topic)?.stop();
    this.#subscriptions.delete(topic);
  }

  #subscribe(topic: string): Promise<void> {
    let s = this.#subscriptions.get(topic);
    if (!s) this.#subscriptions.set(topic, (s = this.chat.fanout.subscribe(topic, (e) => this.#deliver(e))));
    return s.ready;
  }

  #deliver(e: ChatEvent): void {
    if (e.type === "availability") {
      if (e.agentId !== this.agent.agentId) return;
      this.#availabilityChanges += 1;
      this.online.setAvailability(e.agentId, e.status);
      return this.#send({ kind: "agent-availability", status: e.status });
    }
    if (e.type === "invite") return this.#send({ kind: "chat-invite-status", invite: e.invite, site: e.site, visitor: e.visitor, status: e.status });
    if (e.type === "offer") {
      const teamName = this.routing?.teams(e.site).find((t) => t.id === e.team)?.name;
      const seconds = this.routing?.offerSeconds();
      return this.#send({ kind: "chat-offer", conversation: e.conversationId, site: e.site, status: "offered", team: e.team, expiresAt: e.expiresAt, ...(teamName ? { teamName } : {}), ...(seconds ? { seconds } : {}) });
    }
    if (e.type === "offer-expired") return this.#send({ kind: "chat-offer", conversation: e.conversationId, site: e.site, status: "expired" });
    if (e.type === "offer-withdrawn") return this.#send({ kind: "chat-offer", conversation: e.conversationId, site: e.site, status: "withdrawn" });
    if (e.type === "queue") return;
    if (e.type === "message") {
      if (this.#following.has(e.message.conversationId)) this.#send(messageFrame(e.message, "agent"));
      return;
    }
    if (e.type === "typing") {
      if (e.from === "visitor" && this.#following.has(e.conversationId)) this.#send({ kind: "chat-typing", conversation: e.conversationId, from: "visitor", typing: e.typing });
      return;
    }
    const c = e.conversation;
    if (e.change === "transferred") {
      // To this agent: follow it. Away from this agent, who only handled it: stop following.
      if (c.assignedAgentId === this.agent.agentId) this.#follow(c.id, "handler").catch((err: unknown) => this.#sendFailure(err));
      else if (this.#following.get(c.id) === "handler") this.#unfollow(c.id);
    }
    // Assigned to this agent by someone else (the visitor accepted this agent's invitation): follow it.
    if (e.change === "accepted" && c.assignedAgentId === this.agent.agentId && !this.#following.has(c.id)) void this.#follow(c.id, "handler");
    this.#send(conversationFrame(c, e.change, "agent", e.agentName));
  }

  /** A failure nobody awaits, told to the console; a fault's own message stays on the server. */
  #sendFailure(err: unknown): void {
    const e = asAirlockError(err);
    this.#send({ kind: "chat-error", code: e.code, message: e.expose ? e.message : "internal error" });
  }

  #send(frame: ChatServerFrame): void {
    if (!this.#closed) this.sink.send(JSON.stringify(frame));
  }
}
