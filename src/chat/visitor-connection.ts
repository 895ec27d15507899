import { AirlockError } from "../errors.js";
import type { PolicyEngine } from "../policy/engine.js";
import { visitorChatMessage, type ChatServerFrame, type VerifiedCustomer, type VisitorChatMessage } from "../protocol/chat-messages.js";
import type { PresenceRegistry } from "../presence/registry.js";
import { ChatFrameQueue } from "./chat-frame-queue.js";
import { topics, type ChatEvent, type Subscription } from "./fanout.js";
import { conversationFrame, messageFrame } from "./frames.js";
import { authorizeVisitorFrame } from "./authorize-frame.js";
import type { ChatService } from "./service.js";
import { isStored } from "./messages.js";
import type { VisitorQuotas } from "./visitor-quotas.js";
import type { Invitation } from "./invitation.js";
import type { RoutingGate } from "./routing/gate.js";
import type { ChatAvailabilityFrame } from "../protocol/chat-frames.js";
import type { VisitorIdentities } from "../visitor-identity/visitor-identities.js";
import type { ConnectionUploads, FileTransfers } from "./files/transfers.js";
import { rateConversation } from "./ratings.js";
import { ChatRefusal } from "./refusal.js";

const MAX_OPEN_INVITES = 4;

export interface VisitorChatOptions {
  /** The visit's quotas (open conversations, messages per minute); none in tests that do not need them. */
  readonly quotas?: VisitorQuotas;
  /** Told of each refusal for load or quota (the socket closes a persistent offender). */
  readonly onOffence?: () => void;
  /** Whether this agent is available now: an accepted invitation goes straight to its agent only then. */
  readonly agentAvailable?: (agentId: string) => boolean;
  /** Teams and business hours (routing.yaml); without it, chat is open whenever an agent is. */
  readonly routing?: RoutingGate;
  /** Routes the site's queue now (a new chat is offered, its visitor told their place). */
  /** Routes the site's waiting chats now (a new one waits). */
  readonly route?: (siteId: string) => void;
  /** Verified visitors (identity tokens); without it every `identify` is refused. */
  readonly identities?: Pick<VisitorIdentities, "identify" | "tagConversation">;
  /** Attachments (src/chat/files); without them every file frame is refused `not_allowed`. */
  readonly files?: FileTransfers;
}

export interface FrameSink {
  send(frame: string): void;
}

/**
 * Chat and presence for one visitor connection. The WebSocket layer has already checked the
 * Origin and identified the site and the visit; every frame is parsed by schema, then authorized
 * (its kind's policy action and check, authorize-frame.ts), then handled. Failures answer a
 * `chat-error` frame with a stable code; nothing a visitor sends can throw out of `handle`.
 */
export class VisitorChatConnection {
  readonly #subscriptions = new Map<string, Subscription>();
  /** Invitations shown on this connection and not yet answered (an answer must name one), with who sent each. */
  readonly #invites = new Map<string, Invitation>();
  /** An invitation the visitor accepted: the next chat-start naming it goes to its agent. */
  #accepted: Invitation | undefined;
  /** The availability frame last sent (undefined: the visit has not reported a page yet). */
  #availability: string | undefined;
  #pageUrl: string | undefined;
  /** The customer this connection's identity token named, once verified. */
  #customer: VerifiedCustomer | undefined;
  readonly #frames: ChatFrameQueue<VisitorChatMessage>;
  #closed = false;
  #uploads: ConnectionUploads | undefined;
  #limitsSent = false;

  constructor(
    private readonly chat: ChatService,
    private readonly presence: PresenceRegistry,
    private readonly policy: Pick<PolicyEngine, "decide">,
    private readonly sink: FrameSink,
    readonly visit: { readonly siteId: string; readonly visitorId: string; readonly origin?: string },
    /** Whether an agent is online for the site now (offline form otherwise). */
    private readonly agentsAvailable: () => boolean = () => false,
    private readonly options: VisitorChatOptions = {},
  ) {
    this.#frames = new ChatFrameQueue(visitorChatMessage, (frame) => this.#send(frame), (m) => this.#authorizeAndDispatch(m), options.onOffence);
  }

  /** Handles one text frame from the visitor script (in arrival order; see ChatFrameQueue). */
  handle(text: string): Promise<void> {
    return this.#frames.handle(text);
  }

  async #authorizeAndDispatch(message: VisitorChatMessage): Promise<void> {
    // Authorize first, act after: a refused frame subscribes to nothing and changes nothing.
    const invites = { has: (id: string) => this.#invites.has(id) || this.#accepted?.id === id };
    await authorizeVisitorFrame({ storage: this.chat.storage, policy: this.policy }, this.visit, invites, message);
    await this.#dispatch(message);
  }

  async #dispatch(m: VisitorChatMessage): Promise<void> {
    const actor = { kind: "visitor" as const, siteId: this.visit.siteId, visitorId: this.visit.visitorId };
    switch (m.kind) {
      case "presence":
        this.presence.pageView(this.visit.siteId, this.visit.visitorId, { url: m.url, title: m.title, referrer: m.referrer, language: m.language, userAgent: m.userAgent });
        // Verified before the visit's first page report: the new entry learns it now.
        if (this.#customer && !this.presence.verifiedOf(this.visit.siteId, this.visit.visitorId)) this.presence.setVerified(this.visit.siteId, this.visit.visitorId, this.#customer);
        this.#pageUrl = m.url;
        this.#availability = undefined;
        // Once per connection: what the widget may attach (it offers no button otherwise).
        if (this.options.files && !this.#limitsSent) {
          this.#limitsSent = true;
          this.#send(this.options.files.limits());
        }
        return this.availability();
      case "chat-start": {
        // Authorized above: no invitation named, or the one this connection accepted.
        const invitation = m.invite !== undefined ? this.#accepted : undefined;
        // The team the visitor chose or the page implies; refused outside its business hours.
        const destination = this.options.routing?.destination(this.visit.siteId, m.team, this.#pageUrl);
        this.options.routing?.mustBeOpen(this.visit.siteId, destination?.team);
        this.#accepted = undefined;
        const c = await this.chat.startChat(this.visit, this.options.quotas?.limits.openConversationsPerVisit, destination?.team, destination?.skills);
        await this.options.identities?.tagConversation(this.visit, c.id);
        await this.#follow(c.id);
        this.options.route?.(this.visit.siteId);
        this.presence.setChat(this.visit.siteId, this.visit.visitorId, "queued");
        this.#send(conversationFrame(c, "started", "visitor"));
        // An accepted invitation: the chat goes to the agent who sent it, if they are still available
        // (else it waits in the queue like any other). Announced like an agent's own accept.
        if (invitation && (this.options.agentAvailable?.(invitation.agentId) ?? false)) await this.chat.assignToInviter(invitation.agentId, c.id, invitation.agentName).catch(() => undefined);
        return;
      }
      case "chat-offline": {
        this.options.quotas?.mustAllowMessage(this.visit);
        const c = await this.chat.submitOfflineForm(this.visit, { name: m.name, email: m.email, clientId: m.clientId, text: m.text }, this.options.quotas?.limits.openConversationsPerVisit);
        this.options.quotas?.messageStored(this.visit);
        await this.options.identities?.tagConversation(this.visit, c.id);
        this.presence.setChat(this.visit.siteId, this.visit.visitorId, "offline");
        return this.#send(conversationFrame(c, "offline", "visitor"));
      }
      case "chat-send": {
        // A retry of a stored message is answered from its first copy, whatever the quota.
        if (this.options.quotas && !this.options.quotas.allowsMessage(this.visit) && !(await isStored(this.chat.storage.db, m.conversation, m.clientId))) this.options.quotas.mustAllowMessage(this.visit);
        await this.#follow(m.conversation);
        const r = await this.chat.send(actor, m.conversation, m.clientId, m.text);
        if (!r.duplicate) this.options.quotas?.messageStored(this.visit);
        return this.#send({ kind: "chat-ack", conversation: m.conversation, clientId: m.clientId, seq: r.message.seq });
      }
      case "chat-typing":
        this.chat.typing(actor, m.conversation, m.typing);
        return;
      case "chat-resume": {
        // Subscribe (now that the conversation is proven this visit's), then read: a message
        // committed in between arrives twice at most, and clients drop any seq they already have.
        await this.#follow(m.conversation);
        for (const msg of await this.chat.resume(actor, m.conversation, m.afterSeq)) this.#send(messageFrame(msg, "visitor"));
        return;
      }
      case "chat-end": {
        const c = await this.chat.end(actor, m.conversation);
        this.presence.setChat(this.visit.siteId, this.visit.visitorId, "ended");
        return this.#send(conversationFrame(c, "ended", "visitor"));
      }
      case "identify": {
        if (!this.options.identities) throw new AirlockError("identity_invalid", "this server verifies no visitor identity");
        // A refused token counts against the connection: guessing tokens ends it (wsOffenceLimit).
        this.#customer = await this.options.identities.identify(this.visit, m.token).catch((err: unknown) => {
          this.options.onOffence?.();
          throw err;
        });
        return this.#send({ kind: "chat-identity", verified: true });
      }
      case "chat-file-start":
        return this.#files(actor).start(m);
      case "chat-file-chunk":
        return this.#files(actor).chunk(m);
      case "chat-file-link": {
        const files = this.options.files;
        if (!files) throw new ChatRefusal("not_allowed", "file transfer is not available");
        return this.#send({ kind: "chat-file-link", conversation: m.conversation, file: m.file, url: await files.linkFor(m.conversation, m.file) });
      }
      case "chat-rate":
        await rateConversation(this.chat, actor, m.conversation, { score: m.score, ...(m.comment === undefined ? {} : { comment: m.comment }) }, Date.now());
        return this.#send({ kind: "chat-rated", conversation: m.conversation, score: m.score });
      case "chat-invite-answer": {
        const invitation = this.#invites.get(m.invite);
        if (!invitation) return;
        this.#tellInviter(invitation, m.answer);
        if (m.answer === "delivered") return;
        // Accepting is followed by chat-start from the widget, naming the invitation; either way the prompt is gone.
        this.#invites.delete(m.invite);
        if (m.answer === "accepted") this.#accepted = invitation;
        this.presence.setChat(this.visit.siteId, this.visit.visitorId, "none");
        return;
      }
    }
  }

  /** Proactive invitation from an agent, shown by the widget as a polite prompt (or inside the open chat panel). */
  invite(invitation: Invitation): void {
    this.#invites.set(invitation.id, invitation);
    // An unanswered prompt is replaced by the next one; a few are remembered, never many.
    if (this.#invites.size > MAX_OPEN_INVITES) this.#invites.delete(this.#invites.keys().next().value ?? "");
    this.presence.setChat(this.visit.siteId, this.visit.visitorId, "invited");
    this.#send({ kind: "chat-invite", invite: invitation.id, text: invitation.text, ...(invitation.agentName ? { agentName: invitation.agentName } : {}) });
  }

  /**
   * Whether chat is available now (an agent of the site online, and within the business hours of
   * the page's team): the widget switches between chat and the offline form, and says when chat
   * opens. Called on each page report, when agents come or go, and as hours begin or end.
   */
  availability(): void {
    // Only visits that reported a page are told anything; tell them each change once.
    if (this.#pageUrl === undefined) return;
    const frame: ChatAvailabilityFrame = { kind: "chat-availability", available: this.agentsAvailable() };
    const routing = this.options.routing;
    if (routing) {
      const hours = routing.openState(this.visit.siteId, routing.destination(this.visit.siteId, undefined, this.#pageUrl)?.team);
      if (!hours.open) Object.assign(frame, { available: false, closed: true }, hours.opens ? { opens: { inDays: hours.opens.inDays, weekday: hours.opens.weekday, time: hours.opens.time } } : {});
      const teams = routing.visitorChoices(this.visit.siteId);
      if (teams.length > 0) frame.teams = teams;
    }
    const text = JSON.stringify(frame);
    if (text === this.#availability) return;
    this.#availability = text;
    this.#send(frame);
  }

  #tellInviter(invitation: Invitation, status: "delivered" | "accepted" | "declined"): void {
    this.chat.fanout.publish(topics.agent(invitation.agentId), { type: "invite", invite: invitation.id, site: this.visit.siteId, visitor: this.visit.visitorId, status });
  }

  #files(actor: { kind: "visitor"; siteId: string; visitorId: string }): ConnectionUploads {
    const files = this.options.files;
    if (!files) throw new ChatRefusal("not_allowed", "file transfer is not available");
    return (this.#uploads ??= files.uploads(actor, (frame) => this.#send(frame)));
  }

  close(): void {
    this.#uploads?.close();
    this.#closed = true;
    for (const s of this.#subscriptions.values()) s.stop();
    this.#subscriptions.clear();
  }

  #follow(conversationId: string): Promise<void> {
    let s = this.#subscriptions.get(conversationId);
    if (!s) this.#subscriptions.set(conversationId, (s = this.chat.fanout.subscribe(topics.conversation(conversationId), (e) => this.#deliver(e))));
    return s.ready;
  }

  #deliver(e: ChatEvent): void {
    if (e.type === "message") {
      if (e.message.kind !== "note") this.#send(messageFrame(e.message, "visitor"));
    } else if (e.type === "typing") {
      if (e.from === "agent") this.#send({ kind: "chat-typing", conversation: e.conversationId, from: "agent", typing: e.typing });
    } else if (e.type === "queue") {
      this.#send({ kind: "chat-queue", conversation: e.conversationId, position: e.position });
    } else if (e.type === "conversation") {
      if (e.change === "joined") return; // a supervisor watching is an agent-side detail
      // Handed back to a team's queue: for the visitor, the chat waits again.
      if (e.change === "transferred" && e.conversation.state === "queued") return this.#send(conversationFrame(e.conversation, "queued", "visitor"));
      if (e.change === "accepted") this.presence.setChat(this.visit.siteId, this.visit.visitorId, "active");
      if (e.change === "ended") this.presence.setChat(this.visit.siteId, this.visit.visitorId, "ended");
      // `transferred` too: the visitor reads who took over ("Vera from Support has joined the chat").
      const team = e.conversation.team;
      const teamName = team ? this.options.routing?.teams(this.visit.siteId).find((t) => t.id === team)?.name : undefined;
      this.#send(conversationFrame(e.conversation, e.change, "visitor", e.agentName, teamName));
    }
  }

  #send(frame: ChatServerFrame): void {
    if (!this.#closed) this.sink.send(JSON.stringify(frame));
  }
}
