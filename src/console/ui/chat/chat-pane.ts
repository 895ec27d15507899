import { ChatLedger, newClientId } from "../../../protocol/chat-ledger.js";
import type { ChatFileLimitsFrame, ChatFileProgressFrame, ChatMessageFrame } from "../../../protocol/chat-frames.js";
import { displayFileName, fileTypeLabel, formatFileSize } from "../../../protocol/file-display.js";
import { acceptList, checkFile, FileUploads, type FileChunkFrame, type FileStartFrame, type UploadView } from "../../../protocol/file-upload.js";
import { sentenceFor } from "../components/error-sentences.js";
import { errorNotice } from "../components/notice.js";
import { h, replaceChildren } from "../dom.js";
import { attachCannedPicker } from "./canned-picker.js";
import { transferForm } from "./transfer-dialog.js";

export interface PaneActions {
  send(conversation: string, clientId: string, text: string): void;
  typing(conversation: string, typing: boolean): void;
  end(conversation: string): void;
  transfer(conversation: string, to: string, note: string): void;
  /** Colleagues to transfer to (asked when the transfer form opens). */
  colleagues(): Promise<readonly { id: string; name: string }[]>;
  cannedResponses(): Promise<readonly { title: string; body: string }[]>;
  /**
   * Asks the server whether this agent may start co-browsing with the visitor (their live
   * session is the session of the same id) and opens the viewer, where the visitor is asked for
   * consent. Rejects with a reason to show.
   */
  startCobrowse(visitor: string): Promise<void>;
  /** Whether the server lets this agent start or join co-browsing with the visitor now (its `actions`). */
  mayCobrowse(visitor: string): Promise<boolean>;
  /** A colleague's display name by agent id ("You" for this agent); undefined while unknown. */
  agentName(agentId: string): string | undefined;
  /** This agent's own display name (fills {agent.firstName} in canned responses). */
  myName(): string;
  /** Sends an attachment frame; false while disconnected. */
  sendFile(frame: FileStartFrame | FileChunkFrame): boolean;
  /** What may be attached, as the server announced it (undefined until then: no attach button). */
  fileLimits(): ChatFileLimitsFrame | undefined;
}

/** Something that happened in the conversation besides messages (accepted, transferred, co-browse started…). */
export interface PaneEvent {
  readonly at: number;
  readonly text: string;
}

export interface PaneInfo {
  readonly conversation: string;
  readonly visitor: string;
  /** The visit's pseudonym from the server ("Visitor 4821"), as every list of the console shows it. */
  readonly visitorName: string;
  readonly site: string;
  /** The site's display name (from the sites the agent may serve), shown instead of its id. */
  readonly siteName: string;
  readonly mine: boolean;
}

/**
 * One conversation in the agent's workspace: its log (text nodes only: a message with markup
 * shows as that markup), typing indicator, composer with canned responses, transfer with a
 * note, end, and a link to co-browse with the visitor. Holds its own ledger, so reconnects
 * neither lose nor repeat messages.
 */
export class ChatPane {
  readonly ledger = new ChatLedger();
  readonly element: HTMLElement;
  readonly #log: HTMLElement;
  readonly #typing: HTMLElement;
  readonly #input: HTMLTextAreaElement;
  readonly #state: HTMLElement;
  readonly #tools: HTMLElement;
  readonly #events: PaneEvent[] = [];
  readonly #transferButton: HTMLButtonElement | null;
  readonly #attach: HTMLButtonElement;
  readonly #picker: HTMLInputElement;
  #typingSentAt = 0;
  /** This agent's attachments until they arrive as messages (uploading, scanning, refused). */
  readonly uploads = new FileUploads(
    (frame) => this.actions.sendFile(frame),
    () => this.render(),
  );

  constructor(
    readonly info: PaneInfo,
    private readonly actions: PaneActions,
    canTransfer: boolean,
  ) {
    this.#log = h("div", { class: "chat-log", role: "log", "aria-live": "polite", tabindex: "0", "aria-label": `Conversation with ${info.visitorName}` });
    this.#typing = h("p", { class: "chat-typing", "aria-live": "polite" });
    // The keys are told in visible help under the composer (and read with the field): a long
    // placeholder is cut off in a two-line box and disappears as soon as the agent types.
    const hintId = `chat-keys-${info.conversation}`;
    const keysHint = h("p", { class: "chat-keys hint", id: hintId }, "Enter sends · Shift+Enter new line · / canned responses");
    this.#input = h("textarea", { class: "chat-input", rows: 2, maxlength: 2000, "aria-label": "Message", "aria-describedby": hintId, placeholder: "Type a reply" });
    this.#input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.#submit();
      }
    });
    this.#input.addEventListener("input", () => this.#typed());
    this.#state = h("span", { class: "badge" }, info.mine ? "active" : "watching");
    this.#tools = h("div", { class: "chat-tools" });
    // The "/" picker of canned responses (its own module; placeholders filled on insert).
    const picker = attachCannedPicker(this.#input, { load: () => this.actions.cannedResponses(), values: () => ({ visitor: info.visitorName, agentName: this.actions.myName() }) });
    // Attach: a button that opens the file picker, offered once the server said files may be sent.
    this.#picker = h("input", { type: "file", class: "chat-picker", hidden: true, tabindex: -1, "aria-hidden": "true", on: { change: () => this.#picked() } });
    this.#attach = h("button", { type: "button", class: "button secondary small chat-attach", hidden: true, on: { click: () => this.#picker.click() } }, "Attach file");
    const composer = h(
      "form",
      { class: "chat-composer", on: { submit: (e: SubmitEvent) => (e.preventDefault(), this.#submit()) } },
      picker.element,
      this.#input,
      h("button", { type: "submit", class: "button" }, "Send"),
    );
    const canned = h("button", { type: "button", class: "button secondary small", "aria-keyshortcuts": "/", on: { click: () => picker.open() } }, "Canned responses");
    const transfer = canTransfer ? h("button", { type: "button", class: "button secondary small", "aria-expanded": "false", on: { click: () => void this.#showTransfer() } }, "Transfer") : null;
    this.#transferButton = transfer;
    const end = h("button", { type: "button", class: "button danger small", on: { click: () => this.actions.end(info.conversation) } }, "End chat");
    // Shown only when the server's decision for this agent and this visitor's session allows it.
    const cobrowse = h("button", { type: "button", class: "button secondary small", hidden: true, on: { click: () => void this.#startCobrowse() } }, "Co-browse");
    void this.actions.mayCobrowse(info.visitor).then(
      (may) => (cobrowse.hidden = !may),
      () => (cobrowse.hidden = true),
    );
    this.element = h(
      "article",
      { class: "chat-pane", "aria-label": `Chat ${info.conversation.slice(0, 8)}` },
      h("header", { class: "chat-pane-head" }, h("h2", {}, info.visitorName), this.#state, h("span", { class: "chat-site", title: info.siteName }, info.siteName)),
      this.#log,
      this.#typing,
      composer,
      keysHint,
      h("div", { class: "chat-actions" }, this.#attach, this.#picker, canned, transfer, cobrowse, end),
      this.#tools,
    );
    this.setFileLimits();
  }

  receive(frame: ChatMessageFrame): void {
    if (frame.type === "file") this.uploads.delivered(frame.clientId);
    if (this.ledger.receive(frame)) this.render();
  }

  /** Offers the attach button when the server allows files and this agent can still write here. */
  setFileLimits(): void {
    const limits = this.actions.fileLimits();
    this.#attach.hidden = limits?.enabled !== true || this.#input.disabled;
    this.#picker.accept = acceptList(limits);
  }

  fileProgress(f: ChatFileProgressFrame): void {
    this.uploads.progress(f);
  }

  /** A chat-error about one of this pane's attachments: its bubble says why; false when it is not one. */
  fileRefused(ref: string | undefined, code: string, message: string): boolean {
    return this.uploads.refused(ref, code, message);
  }

  acknowledged(clientId: string): void {
    this.uploads.acknowledged(clientId);
    this.ledger.acknowledge({ kind: "chat-ack", conversation: this.info.conversation, clientId, seq: 0 });
    this.render();
  }

  showTyping(typing: boolean): void {
    this.#typing.textContent = typing ? `${this.info.visitorName} is typing…` : "";
  }

  /** Adds a line for something that happened (shown in time order among the messages). */
  event(text: string, at = Date.now()): void {
    this.#events.push({ at, text });
    this.render();
  }

  setState(text: string): void {
    this.#state.textContent = text;
    // Ended, or handed to a colleague: this agent can no longer write here.
    if (text === "ended" || text === "transferred") {
      this.#input.disabled = true;
      this.#attach.hidden = true;
      this.showTyping(false);
    }
  }

  render(): void {
    const entries: { at: number; node: HTMLElement }[] = [
      ...this.ledger.messages().map((m) => ({ at: m.at, node: this.#bubble(m) })),
      ...this.#events.map((e) => ({ at: e.at, node: h("p", { class: "chat-event" }, h("span", {}, e.text), " ", timeOf(e.at)) })),
    ];
    // Stable: a message and an event of the same millisecond keep their arrival order.
    const nodes = entries.sort((a, b) => a.at - b.at).map((e) => e.node);
    for (const p of this.ledger.unacknowledged()) nodes.push(h("div", { class: "chat-msg chat-me chat-pending" }, h("span", { class: "chat-who" }, "You"), p.text, h("span", { class: "chat-delivery" }, "Sending…")));
    for (const u of this.uploads.views(this.info.conversation)) nodes.push(this.#uploadBubble(u));
    replaceChildren(this.#log, nodes);
    this.#log.scrollTop = this.#log.scrollHeight;
  }

  focus(): void {
    this.#input.focus();
  }

  /** An attachment of the conversation: name as text only, the sniffed type and size, and a download (always saved, never opened in the console). */
  #fileBubble(m: ChatMessageFrame, file: NonNullable<ChatMessageFrame["file"]>, who: string): HTMLElement {
    const name = displayFileName(file.name);
    return h(
      "div",
      { class: `chat-msg chat-file ${m.from === "visitor" ? "chat-them" : "chat-me"}` },
      h("span", { class: "chat-who" }, who, " ", timeOf(m.at)),
      h("bdi", { class: "chat-file-name" }, name),
      h("span", { class: "chat-file-meta" }, `${fileTypeLabel(file.type)} · ${formatFileSize(file.size)} · virus scan passed`),
      h("a", { class: "button secondary small chat-file-download", href: `/api/v1/chat/files/${encodeURIComponent(file.id)}`, download: "", "aria-label": `Download ${name}` }, "Download"),
    );
  }

  /** This agent's attachment before it is a message: progress, the scan, or why it was refused. */
  #uploadBubble(u: UploadView): HTMLElement {
    const name = displayFileName(u.name);
    const refused = u.stage === "refused";
    const state = refused
      ? h("span", { class: "chat-file-state" }, this.#refusalSentence(u.refusal?.code ?? "", u.refusal?.message ?? ""))
      : u.stage === "scanning"
        ? h("span", { class: "chat-file-state" }, "Checking for malware… the visitor sees the file only once it is clean.")
        : u.stage === "sent"
          ? h("span", { class: "chat-file-state" }, "Sent")
          : [
              h("progress", { max: Math.max(1, u.size), value: Math.min(u.size, u.received), "aria-label": `Upload of ${name}` }),
              h("span", { class: "chat-file-state" }, `Uploading… ${Math.floor((Math.min(u.size, u.received) / Math.max(1, u.size)) * 100)} %`),
            ];
    return h(
      "div",
      { class: `chat-msg chat-file chat-me${refused ? " chat-file-refused" : " chat-pending"}` },
      h("span", { class: "chat-who" }, "You"),
      h("bdi", { class: "chat-file-name" }, name),
      h("span", { class: "chat-file-meta" }, formatFileSize(u.size)),
      state,
    );
  }

  #refusalSentence(code: string, message: string): string {
    const max = this.actions.fileLimits()?.maxBytes;
    if (code === "file_too_large" && max !== undefined && !message.startsWith("at most")) return `Not sent: the file is larger than ${formatFileSize(max)}, the most Airlock accepts in chat. Send a smaller one.`;
    if (code === "file_too_large") return "Not sent: this conversation already holds as many files as Airlock allows.";
    return sentenceFor({ code, message }).sentence;
  }

  /** Files the agent picked: checked against the limits first, then sent one after another. */
  #picked(): void {
    const files = [...(this.#picker.files ?? [])];
    this.#picker.value = "";
    const conversation = this.info.conversation;
    for (const file of files) {
      const clientId = newClientId();
      const name = file.name.slice(0, 255) || "file";
      const refusal = checkFile(this.actions.fileLimits(), file);
      if (refusal) {
        this.uploads.refuseLocally(conversation, clientId, name, file.size, refusal);
        continue;
      }
      void file.arrayBuffer().then(
        (bytes) => this.uploads.add(conversation, clientId, name, new Uint8Array(bytes)),
        () => this.uploads.refuseLocally(conversation, clientId, name, file.size, "not_allowed"),
      );
    }
  }

  #bubble(m: ChatMessageFrame): HTMLElement {
    // People by name (the IdP's name claim), never by id.
    if (m.type === "note") return h("div", { class: "chat-note" }, h("strong", {}, `Transfer note from ${m.agentName ?? this.actions.agentName(m.agentId ?? "") ?? "a colleague"}: `), m.text);
    const known = m.from === "agent" ? this.actions.agentName(m.agentId ?? "") : undefined;
    // This agent's own messages say "You"; a colleague's carry the name the server sent with them.
    const who = m.from === "visitor" ? this.info.visitorName : m.from === "agent" ? (known === "You" ? known : (m.agentName ?? known ?? "A colleague")) : "Airlock";
    if (m.type === "file" && m.file) return this.#fileBubble(m, m.file, who);
    const cls = m.from === "visitor" ? "chat-them" : "chat-me";
    const text = m.type === "form" ? formText(m.text) : m.text;
    // An agent's own message in the log was committed by the server: the acknowledgement came first.
    const delivery = m.from === "agent" && this.actions.agentName(m.agentId ?? "") === "You" ? h("span", { class: "chat-delivery" }, "Sent") : null;
    return h("div", { class: `chat-msg ${cls}` }, h("span", { class: "chat-who" }, who, " ", timeOf(m.at)), text, delivery);
  }

  #submit(): void {
    const text = this.#input.value.trim();
    if (!text) return;
    this.#input.value = "";
    const clientId = newClientId();
    this.ledger.enqueue({ clientId, text });
    this.render();
    this.actions.typing(this.info.conversation, false);
    this.actions.send(this.info.conversation, clientId, text);
  }

  #typed(): void {
    const now = Date.now();
    if (now - this.#typingSentAt < 2_000) return;
    this.#typingSentAt = now;
    this.actions.typing(this.info.conversation, this.#input.value.length > 0);
  }

  async #startCobrowse(): Promise<void> {
    replaceChildren(this.#tools);
    await this.actions.startCobrowse(this.info.visitor).catch((err: unknown) => {
      replaceChildren(this.#tools, errorNotice(err, "Co-browsing could not start."));
    });
  }

  async #showTransfer(): Promise<void> {
    const colleagues = await this.actions.colleagues().catch(() => undefined);
    if (!colleagues) return replaceChildren(this.#tools, h("p", { class: "hint", role: "alert" }, "Colleagues could not be loaded. Try again in a moment."));
    const close = () => {
      replaceChildren(this.#tools);
      this.#transferButton?.setAttribute("aria-expanded", "false");
      this.#transferButton?.focus();
    };
    replaceChildren(
      this.#tools,
      transferForm(colleagues, {
        transfer: (to, note) => {
          this.actions.transfer(this.info.conversation, to, note);
          close();
        },
        cancel: close,
      }),
    );
    this.#transferButton?.setAttribute("aria-expanded", "true");
    this.#tools.querySelector<HTMLElement>("input, button")?.focus();
  }
}

const clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });
const full = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium" });

/** "14:05", with the full date and time on hover and for machines. */
function timeOf(at: number): HTMLElement {
  const date = new Date(at);
  return h("time", { class: "chat-time", datetime: date.toISOString(), title: full.format(date) }, clock.format(date));
}

/** An offline form as plain lines (its JSON comes from the server, parsed defensively). */
function formText(json: string): string {
  try {
    const f = JSON.parse(json) as { name?: unknown; email?: unknown; text?: unknown };
    const field = (value: unknown): string => (typeof value === "string" ? value : "");
    return `Offline message from ${field(f.name)} <${field(f.email)}>:\n${field(f.text)}`;
  } catch {
    return json;
  }
}
