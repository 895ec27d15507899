import { ChatLedger, newClientId } from "../../protocol/chat-ledger.js";
import { ATTACHMENT_TYPES, isAttachmentType } from "../../protocol/attachment-types.js";
import type { ChatAvailabilityFrame, ChatErrorFrame, ChatFileLimitsFrame, ChatOpening, ChatServerFrame, ChatTeamChoice } from "../../protocol/chat-frames.js";
import { displayFileName, formatFileSize } from "../../protocol/file-display.js";
import { acceptList, checkFile, FileUploads, type UploadView } from "../../protocol/file-upload.js";
import { guard } from "../safe.js";
import type { UiHost } from "../ui/host.js";
import type { VisitorChannel } from "./channel.js";
import type { WidgetKey } from "./strings.js";
import { WidgetUi, type FileEntry, type LogEntry } from "./widget-ui.js";

type ChatState = "none" | "queued" | "active" | "ended";

/** Where the rating of the ended chat stands: asked, given (or refused as given), or skipped. */
type RatingState = "open" | "sent" | "skipped";

interface Saved {
  readonly conversation: string;
  readonly state: ChatState;
  readonly open: boolean;
  readonly rating?: RatingState;
  /** The score picked in the open prompt (the comment is not kept). */
  readonly score?: number;
}

/** After `too_many_messages`: a slow retry, so a waiting outbox never becomes a flood (wsOffenceLimit). */
const MESSAGE_QUOTA_RETRY_MS = 15_000;

// The conversation survives page loads within the visit (same tab), never across visits.
const STORAGE_KEY = "airlock-chat";

function load(): Saved | undefined {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    const v = raw ? (JSON.parse(raw) as Partial<Saved>) : undefined;
    if (!v || typeof v.conversation !== "string" || typeof v.state !== "string") return undefined;
    const rating = v.rating === "open" || v.rating === "sent" || v.rating === "skipped" ? v.rating : undefined;
    const score = typeof v.score === "number" && v.score >= 1 && v.score <= 5 ? v.score : undefined;
    return { conversation: v.conversation, state: v.state, open: v.open === true, ...(rating ? { rating } : {}), ...(score ? { score } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * The visitor's chat: click-to-chat, polite invitations, typing indicators, the offline form,
 * transcript download. Messages go through a ledger with an outbox, so a dropped connection
 * loses nothing: after reconnecting the widget resumes from the last sequence number it holds
 * and sends unacknowledged messages again under their original client ids.
 */
export class ChatWidget {
  #ledger = new ChatLedger();
  readonly #ui: WidgetUi;
  #conversation = "";
  #state: ChatState = "none";
  #available = false;
  #starting = false;
  /** Notes about the chat itself, each placed after the message it followed (seq 0: before any). */
  #notes: { readonly text: string; readonly afterSeq: number }[] = [];
  /** An invitation the visitor accepted: the next chat-start names it, so the inviting agent gets the chat. */
  #acceptedInvite = "";
  #typingSentAt = 0;
  /** What may be attached (from the server); no attach button until it came. */
  #fileLimits: ChatFileLimitsFrame | undefined;
  readonly #uploads = new FileUploads(
    (frame) => this.channel.send(frame),
    () => this.#render(),
  );
  /** The attachment whose download address the widget asked for (it downloads when the address comes). */
  #wantedDownload = "";
  #rating: RatingState | undefined;
  #score: number | undefined;
  /** Teams the visitor may pick before a chat starts (none: the site's rules choose). */
  #teams: readonly ChatTeamChoice[] = [];

  constructor(
    host: UiHost,
    private readonly channel: VisitorChannel,
    /** Where Airlock is: a visitor's download address is a path on it. */
    private readonly airlockOrigin: string = location.origin,
  ) {
    this.#ui = new WidgetUi(host, {
      onOpen: () => this.#openPanel(),
      onSend: (text) => this.#send(text),
      onTyping: (typing) => this.#typing(typing),
      onEnd: () => this.#end(),
      onDownload: () => this.#download(),
      onOffline: (form) => this.#offline(form),
      onInvite: (answer) => this.#answerInvite(answer),
      onNewChat: () => this.#newChat(),
      onAttach: (files) => this.#attach(files),
      onFileDownload: (id) => this.#downloadFile(id),
      onRate: (score, comment) => this.#rate(score, comment),
      onRateSkip: () => this.#closeRating("skipped", undefined),
      onRatePick: (score) => {
        this.#score = score;
        this.#save();
      },
      onTeam: (team) => {
        this.#show("chat");
        this.#start(team);
      },
    });
    const saved = load();
    if (saved) {
      // An ended chat stays readable (with its end at the bottom) until the visitor starts a new one.
      this.#conversation = saved.conversation;
      this.#state = saved.state;
      this.#rating = saved.rating;
      this.#score = saved.score;
      if (saved.state === "ended") {
        this.#endedNote();
        this.#render(); // "The chat has ended" shows even when the chat had no message to resume
      }
      if (saved.open) this.#ui.show("chat");
    }
    channel.onFrame(guard((f: ChatServerFrame) => this.#onFrame(f)));
    channel.onOpen(guard(() => this.#connected()));
    channel.onClose(guard((reason: string) => this.#disconnected(reason)));
  }

  #connected(): void {
    if (this.#pausedFor === "connection") this.#notice(undefined);
    this.channel.send({
      kind: "presence",
      url: location.href.slice(0, 2048),
      title: document.title.slice(0, 300),
      referrer: document.referrer.slice(0, 2048),
      // For the agent's visitor context; the server keeps only the language tag and the browser and device families.
      language: navigator.language.slice(0, 35),
      userAgent: navigator.userAgent.slice(0, 512),
    });
    if (!this.#conversation) return;
    this.channel.send({ kind: "chat-resume", conversation: this.#conversation, afterSeq: this.#ledger.contiguousSeq });
    this.#resendUnacknowledged();
    // An upload the connection loss interrupted starts again (a stored one is answered from its copy).
    this.#uploads.reconnected();
  }

  /** Refusals of the connection itself: too many new visits from this address, or flooding. */
  #disconnected(reason: string): void {
    if (reason === "too_many_visits") this.#notice("limitVisits", "connection");
    else if (reason === "rate_limited") this.#notice("limitFlood", "connection");
  }

  #pausedFor: "connection" | "chat" | undefined;

  #notice(key: WidgetKey | undefined, cause: "connection" | "chat" = "chat"): void {
    this.#pausedFor = key ? cause : undefined;
    this.#ui.notice(key ? this.#ui.t(key) : undefined);
  }

  #resendUnacknowledged(): void {
    if (!this.#conversation) return;
    for (const m of this.#ledger.unacknowledged()) this.channel.send({ kind: "chat-send", conversation: this.#conversation, ...m });
  }

  #openPanel(): void {
    if (this.#state !== "none") return this.#show("chat"); // a chat in progress, or an ended one to read
    if (!this.#available) return this.#show("offline");
    if (this.#teams.length > 0) return this.#show("teams");
    this.#show("chat");
    this.#start();
  }

  /** "Start a new chat" after the end: a fresh conversation, or the offline form when nobody is available. */
  #newChat(): void {
    this.#conversation = "";
    this.#state = "none";
    this.#notes = [];
    this.#ledger = new ChatLedger();
    this.#rating = undefined;
    this.#score = undefined;
    this.#ui.rating.close(undefined);
    this.#ui.ended(false);
    this.#save(true);
    this.#render();
    this.#openPanel();
  }

  #show(view: "chat" | "offline" | "teams"): void {
    this.#ui.show(view);
    this.#save();
  }

  #start(team?: string): void {
    if (this.#starting) return;
    this.#starting = true;
    // A new conversation: sequence numbers start again, unsent messages carry over.
    const carried = this.#ledger.unacknowledged();
    this.#ledger = new ChatLedger();
    for (const m of carried) this.#ledger.enqueue(m);
    this.#notes = [{ text: this.#ui.t("waiting"), afterSeq: 0 }];
    this.#render();
    const invite = this.#acceptedInvite;
    this.#acceptedInvite = "";
    this.channel.send(invite ? { kind: "chat-start", invite } : team ? { kind: "chat-start", team } : { kind: "chat-start" });
  }

  #send(text: string): void {
    const message = { clientId: newClientId(), text };
    this.#ledger.enqueue(message);
    this.#render();
    if (!this.#conversation || this.#state === "ended") return this.#start(); // sent once the conversation exists
    this.channel.send({ kind: "chat-send", conversation: this.#conversation, ...message });
  }

  #typing(typing: boolean): void {
    if (!this.#conversation || this.#state !== "active") return;
    const now = Date.now();
    if (typing && now - this.#typingSentAt < 2_000) return;
    this.#typingSentAt = typing ? now : 0;
    this.channel.send({ kind: "chat-typing", conversation: this.#conversation, typing });
  }

  #end(): void {
    if (this.#conversation && this.#state !== "ended") this.channel.send({ kind: "chat-end", conversation: this.#conversation });
  }

  #offline(form: { name: string; email: string; text: string }): void {
    if (this.channel.send({ kind: "chat-offline", clientId: newClientId(), name: form.name.slice(0, 120), email: form.email.slice(0, 320), text: form.text.slice(0, 8000) })) this.#ui.show("thanks");
  }

  #answerInvite(answer: "accepted" | "declined"): void {
    this.#ui.hideInvite();
    const invite = this.#pendingInvite;
    this.#pendingInvite = "";
    if (invite) this.channel.send({ kind: "chat-invite-answer", invite, answer });
    if (answer !== "accepted") return;
    this.#available = true;
    this.#acceptedInvite = invite;
    if (this.#state === "ended") this.#newChat();
    else this.#openPanel();
  }

  #pendingInvite = "";

  #onFrame(f: ChatServerFrame): void {
    switch (f.kind) {
      case "chat-file-limits":
        this.#fileLimits = f;
        return this.#render();
      case "chat-file-progress":
        return this.#uploads.progress(f);
      case "chat-file-link":
        if (f.file === this.#wantedDownload && f.conversation === this.#conversation) this.#saveFile(f.url);
        return;
      case "chat-availability":
        this.#ui.offlineIntro(this.#closedText(f));
        this.#teams = f.teams ?? [];
        this.#ui.teams(this.#teams);
        return this.#availability(f.available);
      case "chat-queue":
        return this.#queuePlace(f.conversation, f.position);
      case "chat-invite":
        // Shown whether or not the panel is open (inside it when open), unless a chat is going on.
        if (this.#state === "queued" || this.#state === "active") return;
        this.#pendingInvite = f.invite;
        this.#ui.invite(f.text || (f.agentName ? this.#ui.t("inviteFrom", { agent: f.agentName }) : this.#ui.t("inviteText")));
        this.channel.send({ kind: "chat-invite-answer", invite: f.invite, answer: "delivered" });
        return;
      case "chat-conversation":
        return this.#onConversation(f.conversation, f.change, f.state, f.agentName, f.teamName);
      case "chat-message":
        if (f.conversation !== this.#conversation) return;
        if (f.type === "file") this.#uploads.delivered(f.clientId);
        if (this.#ledger.receive(f)) this.#render();
        return;
      case "chat-ack":
        this.#uploads.acknowledged(f.clientId);
        this.#ledger.acknowledge(f);
        if (this.#pausedFor === "chat") this.#notice(undefined);
        return this.#render();
      case "chat-typing":
        if (f.conversation === this.#conversation) this.#ui.showTyping(f.typing);
        return;
      case "chat-rated":
        if (f.conversation === this.#conversation) this.#closeRating("sent", "rateThanks");
        return;
      case "chat-error":
        // A file refused (infected, too large, of a refused type…): its bubble says why.
        if (this.#uploads.refused(f.ref, f.code, f.message)) return;
        if (f.ref === "chat-file-link") {
          this.#wantedDownload = "";
          return this.#notice("fileUnavailable");
        }
        if (f.ref === "chat-rate") return this.#ratingRefused(f);
        // Refused for load: send what is unacknowledged again a little later (same client ids).
        if (f.code === "rate_limited" || f.code === "internal") setTimeout(guard(() => this.#resendUnacknowledged()), 1_000);
        // Quotas: say why in a sentence; messages stay in the outbox and go again once there is session.
        if (f.code === "too_many_messages") {
          this.#notice("limitMessages");
          setTimeout(guard(() => this.#resendUnacknowledged()), MESSAGE_QUOTA_RETRY_MS);
        }
        if (f.code === "too_many_conversations") {
          this.#starting = false;
          this.#notice("limitConversations");
        }
        if (f.code === "not_allowed") this.#notice("notAllowed");
        // Chat closed in the meantime (business hours): the offline form instead.
        if (f.code === "chat_closed" && this.#state === "none") {
          this.#starting = false;
          this.#available = false;
          this.#show("offline");
        }
        // A message the server refused for its content will never be accepted: drop it.
        if (f.code === "bad_request" || f.code === "payload_too_large") {
          const refused = this.#ledger.unacknowledged().find((m) => m.clientId === f.ref);
          if (refused) this.#ledger.acknowledge({ kind: "chat-ack", conversation: this.#conversation, clientId: refused.clientId, seq: 0 });
          this.#render();
        }
        return;
      default:
        return;
    }
  }

  #onConversation(id: string, change: string, state: "queued" | "active" | "ended" | "offline", agentName: string | undefined, teamName: string | undefined): void {
    if (change === "started") {
      this.#starting = false;
      this.#conversation = id;
      this.#state = "queued";
      for (const m of this.#ledger.unacknowledged()) this.channel.send({ kind: "chat-send", conversation: id, ...m });
    } else if (id !== this.#conversation) {
      return;
    } else if (change === "accepted" || change === "transferred") {
      // "Alex from Support has joined": by the name the agent's IdP gives, never an id.
      this.#state = "active";
      const joined = agentName ? (teamName ? this.#ui.t("joinedNamedTeam", { agent: agentName, team: teamName }) : this.#ui.t("joinedNamed", { agent: agentName })) : this.#ui.t("connected");
      this.#notes = [...this.#notes.filter((n) => n.text !== this.#ui.t("waiting") && n.text !== this.#placeLine), { text: joined, afterSeq: this.#lastSeq() }];
    } else if (change === "queued" && this.#state === "active") {
      // Handed back to a team's queue: the visitor waits again (their place follows).
      this.#state = "queued";
      this.#notes = [...this.#notes, { text: this.#ui.t("waiting"), afterSeq: this.#lastSeq() }];
    } else if (state === "ended" && this.#state !== "ended") {
      this.#state = "ended";
      this.#endedNote();
    }
    this.#save();
    this.#render(state === "ended");
  }

  /** The end goes at the bottom of the log, the composer closes, the rating prompt (once) and "Start a new chat" are offered. */
  #endedNote(): void {
    if (this.#rating === undefined || this.#rating === "open") {
      this.#rating = "open";
      this.#ui.rating.open(this.#score);
    }
    this.#ui.ended(true);
    this.#notes = [...this.#notes, { text: this.#ui.t("ended"), afterSeq: Number.MAX_SAFE_INTEGER }];
  }

  #rate(score: number, comment: string): void {
    this.#score = score;
    const sent = this.#conversation !== "" && this.channel.send({ kind: "chat-rate", conversation: this.#conversation, score, ...(comment ? { comment } : {}) });
    if (!sent) this.#ui.rating.say(this.#ui.t("rateFailed"));
  }

  /** The prompt closes for good for this chat: rated (thank you), skipped, or no longer possible. */
  #closeRating(state: "sent" | "skipped", sentence: WidgetKey | undefined): void {
    const hadFocus = this.#ui.rating.el.contains((this.#ui.rating.el.getRootNode() as Document | ShadowRoot).activeElement);
    this.#rating = state;
    this.#ui.rating.close(sentence ? this.#ui.t(sentence) : undefined);
    this.#save();
    if (hadFocus) this.#ui.focusAfterEnd();
  }

  /** A refused rating, in a sentence: already given (from another tab, say), or this chat cannot be rated; else try again. */
  #ratingRefused(f: ChatErrorFrame): void {
    if (f.code === "already_rated") return this.#closeRating("sent", "rateAlready");
    if (f.code === "not_found" || f.code === "not_ended") return this.#closeRating("skipped", "rateGone");
    this.#ui.rating.say(this.#ui.t("rateFailed"));
  }

  /** "You are number 2 in the queue": replaces the waiting line while the chat waits. */
  #queuePlace(conversation: string, position: number): void {
    if (conversation !== this.#conversation || this.#state !== "queued") return;
    const waiting = new Set([this.#ui.t("waiting"), this.#placeLine]);
    this.#placeLine = position <= 1 ? this.#ui.t("queueNext") : this.#ui.t("queuePosition", { n: String(position) });
    this.#notes = [{ text: this.#placeLine, afterSeq: 0 }, ...this.#notes.filter((n) => !waiting.has(n.text))];
    this.#render();
  }

  /** The place in the queue last shown (replaced by the next, removed when an agent joins). */
  #placeLine = "";

  /** The offline form's intro: closed (and when chat opens, in the visitor's language), or nobody online. */
  #closedText(f: ChatAvailabilityFrame): string {
    if (!f.closed) return this.#ui.t("offlineIntro");
    const t = this.#ui.t;
    return [t("closedIntro"), ...(f.opens ? [this.#opensText(f.opens)] : []), t("closedLeave")].join(" ");
  }

  #opensText(o: ChatOpening): string {
    if (o.inDays === 0) return this.#ui.t("opensToday", { time: o.time });
    if (o.inDays === 1) return this.#ui.t("opensTomorrow", { time: o.time });
    // A Monday in UTC, moved to the weekday: the browser names it in the page's language.
    const monday = Date.UTC(2024, 0, 1);
    const index = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].indexOf(o.weekday);
    const day = new Intl.DateTimeFormat(this.#ui.lang, { weekday: "long", timeZone: "UTC" }).format(new Date(monday + Math.max(0, index) * 86_400_000));
    return this.#ui.t("opensOn", { day, time: o.time });
  }

  #lastSeq(): number {
    return this.#ledger.messages().at(-1)?.seq ?? 0;
  }

  /** The widget follows whether an agent is available: offline form when nobody is, the chat when someone is. */
  #availability(available: boolean): void {
    const was = this.#available;
    this.#available = available;
    if (was === available || !this.#ui.isOpen || this.#state !== "none" || this.#starting) return;
    if (available && this.#ui.view === "offline" && !this.#ui.offlineTouched()) {
      this.#notes = [{ text: this.#ui.t("availableNow"), afterSeq: 0 }];
      this.#render();
      this.#show(this.#teams.length > 0 ? "teams" : "chat");
    } else if (!available && this.#ui.view !== "offline") {
      this.#show("offline");
    }
  }

  #render(toBottom = false): void {
    const t = this.#ui.t;
    const entries: LogEntry[] = [];
    const notes = [...this.#notes];
    const notesUpTo = (seq: number) => {
      while (notes.length > 0 && (notes[0]?.afterSeq ?? 0) <= seq) entries.push({ kind: "note", text: notes.shift()?.text ?? "" });
    };
    notesUpTo(0);
    for (const m of this.#ledger.messages()) {
      const from = m.from === "visitor" ? t("you") : (m.agentName ?? t("agent"));
      if (m.type === "text") entries.push({ kind: "message", mine: m.from === "visitor", from, text: m.text, pending: false });
      if (m.type === "file" && m.file) {
        entries.push({ kind: "file", mine: m.from === "visitor", from, name: displayFileName(m.file.name), meta: this.#fileMeta(m.file.type, m.file.size), state: "ready", fileId: m.file.id });
      }
      notesUpTo(m.seq);
    }
    for (const m of this.#ledger.unacknowledged()) entries.push({ kind: "message", mine: true, from: `${t("you")} · ${t("sending")}`, text: m.text, pending: true });
    for (const u of this.#uploads.views(this.#conversation)) entries.push(this.#uploadEntry(u));
    const canAttach = this.#fileLimits?.enabled === true && this.#conversation !== "" && (this.#state === "queued" || this.#state === "active");
    this.#ui.setAttach(canAttach, acceptList(this.#fileLimits));
    notesUpTo(Number.MAX_SAFE_INTEGER);
    this.#ui.render(entries, toBottom);
  }

  /** Files the visitor picked: checked against the limits first (a refusal is a sentence in the log), then sent one after another. */
  #attach(files: readonly File[]): void {
    const conversation = this.#conversation;
    if (!conversation) return;
    for (const file of files) {
      const clientId = newClientId();
      const name = file.name.slice(0, 255) || "file";
      const refusal = checkFile(this.#fileLimits, file);
      if (refusal) {
        this.#uploads.refuseLocally(conversation, clientId, name, file.size, refusal);
        continue;
      }
      void file.arrayBuffer().then(
        guard((bytes: ArrayBuffer) => this.#uploads.add(conversation, clientId, name, new Uint8Array(bytes))),
        guard(() => this.#uploads.refuseLocally(conversation, clientId, name, file.size, "not_allowed")),
      );
    }
  }

  #uploadEntry(u: UploadView): FileEntry {
    const t = this.#ui.t;
    const base = { kind: "file", mine: true, from: t("you"), name: displayFileName(u.name), meta: formatFileSize(u.size, this.#ui.lang) } as const;
    if (u.stage === "refused") return { ...base, state: "refused", sentence: this.#refusalSentence(u.refusal?.code ?? "", u.refusal?.message ?? "") };
    if (u.stage === "scanning" || u.stage === "sent") return { ...base, state: u.stage };
    return { ...base, state: "uploading", received: u.received, size: u.size };
  }

  /** Why a file was not sent, as a sentence (never the code). */
  #refusalSentence(code: string, message: string): string {
    const t = this.#ui.t;
    const limits = this.#fileLimits;
    switch (code) {
      case "file_infected":
        return t("fileInfected");
      case "file_too_large":
        // The same code for the conversation's file count; its message says "at most N files".
        return message.startsWith("at most") ? t("fileTooMany") : t("fileTooLarge", { max: formatFileSize(limits?.maxBytes ?? 0, this.#ui.lang) });
      case "file_type_refused": {
        const names = (limits?.types ?? []).filter(isAttachmentType).map((type) => ATTACHMENT_TYPES[type].ext.toUpperCase());
        return t("fileTypeRefused", { types: names.join(", ") });
      }
      case "file_empty":
        return t("fileEmpty");
      case "scanner_unavailable":
        return t("fileScannerDown");
      case "not_allowed":
        return t("fileNotAllowed");
      default:
        return t("fileFailed");
    }
  }

  /** "PDF · 14 KB": the type sniffed from the bytes (never the sender's name for it) and the size. */
  #fileMeta(type: string, size: number): string {
    const ext = isAttachmentType(type) ? ATTACHMENT_TYPES[type].ext.toUpperCase() : "";
    return [ext, formatFileSize(size, this.#ui.lang)].filter(Boolean).join(" · ");
  }

  /** Asks for a short-lived download address; the file downloads when it comes (chat-file-link). */
  #downloadFile(fileId: string): void {
    if (!this.#conversation) return;
    this.#wantedDownload = fileId;
    this.channel.send({ kind: "chat-file-link", conversation: this.#conversation, file: fileId });
  }

  /** Downloads from Airlock's address only (the response is always an attachment, never shown in the page). */
  #saveFile(path: string): void {
    this.#wantedDownload = "";
    const url = new URL(path, this.airlockOrigin);
    if (url.origin !== new URL(this.airlockOrigin).origin || !url.pathname.startsWith("/v1/chat-files/")) return;
    const a = document.createElement("a");
    a.href = url.href;
    a.rel = "noopener";
    a.download = "";
    a.click();
  }

  /** The visitor's own copy of the conversation, as a plain text file. */
  #download(): void {
    const t = this.#ui.t;
    const lines = this.#ledger
      .messages()
      .filter((m) => m.type === "text" || m.type === "file")
      .map((m) => `[${new Date(m.at).toISOString()}] ${m.from === "visitor" ? t("you") : (m.agentName ?? t("agent"))}: ${m.type === "file" ? `${displayFileName(m.text)} (${this.#fileMeta(m.file?.type ?? "", m.file?.size ?? 0)})` : m.text}`);
    const url = URL.createObjectURL(new Blob([`${t("transcript")} — ${location.hostname}\n\n${lines.join("\n")}\n`], { type: "text/plain;charset=utf-8" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "chat-transcript.txt";
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  #save(forget = false): void {
    try {
      if (forget) sessionStorage.removeItem(STORAGE_KEY);
      else if (this.#conversation) sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ conversation: this.#conversation, state: this.#state, open: this.#ui.isOpen, rating: this.#rating, score: this.#score }));
    } catch {
      // storage may be disabled; the chat still works for this page
    }
  }
}
