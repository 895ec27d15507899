import { guard } from "../safe.js";
import { h, type UiHost } from "../ui/host.js";
import { translator } from "../ui/i18n.js";
import { widgetStrings, type WidgetKey } from "./strings.js";
import { widgetCss } from "./styles.js";
import { RatingPrompt } from "./rating-prompt.js";
import { teamPicker } from "./team-picker.js";
import type { ChatTeamChoice } from "../../protocol/chat-frames.js";

export interface WidgetHandlers {
  onOpen(): void;
  onSend(text: string): void;
  onTyping(typing: boolean): void;
  onEnd(): void;
  onDownload(): void;
  onOffline(form: { name: string; email: string; text: string }): void;
  onInvite(answer: "accepted" | "declined"): void;
  onNewChat(): void;
  /** Files the visitor picked to send. */
  onAttach(files: readonly File[]): void;
  /** The visitor asked to download an attachment of the conversation. */
  onFileDownload(fileId: string): void;
  onRate(score: number, comment: string): void;
  onRateSkip(): void;
  onRatePick(score: number): void;
  /** The visitor picked a team (undefined: no preference) and starts the chat. */
  onTeam(team: string | undefined): void;
}

/**
 * An attachment in the log: the visitor's own while it uploads, is scanned or was refused (with
 * the sentence why), or a file of the conversation ready to download. `name` is already made safe
 * to read (displayFileName); `meta` is its type and size.
 */
export interface FileEntry {
  readonly kind: "file";
  readonly mine: boolean;
  readonly from: string;
  readonly name: string;
  readonly meta: string;
  readonly state: "uploading" | "scanning" | "sent" | "ready" | "refused";
  /** Uploading: bytes the server holds of `size`. */
  readonly received?: number;
  readonly size?: number;
  /** Refused: why, as a sentence. */
  readonly sentence?: string;
  /** Ready: the file's id, for the download action. */
  readonly fileId?: string;
}

/** One line of the chat log: a message bubble, an attachment, or a note about the chat itself (joined, ended). */
export type LogEntry = { readonly kind: "message"; readonly mine: boolean; readonly from: string; readonly text: string; readonly pending: boolean } | { readonly kind: "note"; readonly text: string } | FileEntry;

export type PanelView = "chat" | "offline" | "thanks" | "teams";

/**
 * The widget's DOM inside the shared shadow root. Text from the server is only ever set with
 * `textContent` / text nodes: a message with markup shows as that markup, never as HTML, and
 * links are plain text. Everything is reachable by keyboard (Enter sends, Shift+Enter breaks
 * the line, Escape minimises).
 */
export class WidgetUi {
  readonly t: (key: WidgetKey, vars?: Readonly<Record<string, string>>) => string;
  readonly lang: string;
  readonly #root: HTMLElement;
  readonly #launch: HTMLButtonElement;
  readonly #panel: HTMLElement;
  readonly #log: HTMLElement;
  readonly #typing: HTMLElement;
  readonly #input: HTMLTextAreaElement;
  readonly #chat: HTMLElement;
  readonly #offline: HTMLElement;
  #offlineIntro: HTMLElement | undefined;
  readonly #invite: HTMLElement;
  readonly #notice: HTMLElement;
  readonly #composer: HTMLElement;
  readonly #restart: HTMLElement;
  readonly #attach: HTMLButtonElement;
  readonly #picker: HTMLInputElement;
  /** The satisfaction prompt, shown after a chat ends until the visitor rates or skips. */
  readonly rating: RatingPrompt;
  readonly #teamPicker: ReturnType<typeof teamPicker>;
  #typingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: UiHost, private readonly on: WidgetHandlers) {
    host.addStyles(widgetCss);
    this.t = translator(widgetStrings, host.lang);
    this.lang = host.lang;
    const t = this.t;
    this.#launch = h("button", { class: "alc-launch", type: "button", "aria-haspopup": "dialog" }, t("open"));
    this.#launch.addEventListener("click", () => this.on.onOpen());

    this.#log = h("div", { class: "alc-log", role: "log", "aria-live": "polite", "aria-label": t("transcript"), tabindex: "0" });
    this.#typing = h("div", { class: "alc-typing", "aria-live": "polite" });
    this.#input = h("textarea", { "aria-label": t("placeholder"), placeholder: t("placeholder"), maxlength: "2000", rows: "2" });
    const send = h("button", { class: "alc-btn alc-primary", type: "submit" }, t("send"));
    // Attach: a real button (keyboard, label) that opens the browser's file picker; offered only
    // once the server said files may be sent in this chat (setAttach).
    this.#picker = h("input", { type: "file", class: "alc-picker", tabindex: "-1", "aria-hidden": "true", hidden: "" });
    this.#picker.addEventListener("change", () => {
      const files = [...(this.#picker.files ?? [])];
      this.#picker.value = "";
      if (files.length > 0) this.on.onAttach(files);
    });
    this.#attach = h("button", { class: "alc-attach", type: "button", "aria-label": t("attach"), title: t("attach"), hidden: "" }, paperclip());
    this.#attach.addEventListener("click", () => this.#picker.click());
    const form = h("form", { class: "alc-form" }, this.#attach, this.#picker, this.#input, send);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.#submit();
    });
    this.#input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.#submit();
      }
    });
    this.#input.addEventListener("input", () => this.#typed());
    const end = h("button", { class: "alc-btn", type: "button" }, t("end"));
    end.addEventListener("click", () => this.on.onEnd());
    const download = h("button", { class: "alc-btn", type: "button" }, t("download"));
    download.addEventListener("click", () => this.on.onDownload());
    this.#composer = h("div", { class: "alc-composer" }, form, h("div", { class: "alc-foot" }, download, end));
    // After the end: the composer is gone; the visitor may download the chat or start a new one.
    const again = h("button", { class: "alc-btn alc-primary", type: "button" }, t("newChat"));
    again.addEventListener("click", () => this.on.onNewChat());
    const downloadEnded = h("button", { class: "alc-btn", type: "button" }, t("download"));
    downloadEnded.addEventListener("click", () => this.on.onDownload());
    this.#restart = h("div", { class: "alc-foot alc-restart", hidden: "" }, downloadEnded, again);
    this.rating = new RatingPrompt(t, { send: (n, c) => this.on.onRate(n, c), skip: () => this.on.onRateSkip(), pick: (n) => this.on.onRatePick(n) });
    this.#chat = h("div", { class: "alc-chatview" }, this.#log, this.#typing, this.#composer, this.rating.el, this.#restart);
    this.#teamPicker = teamPicker(t, (team) => this.on.onTeam(team));

    this.#offline = this.#offlineForm();
    const minimise = h("button", { class: "alc-icon", type: "button", "aria-label": t("close") }, "−");
    minimise.addEventListener("click", () => this.minimise());
    this.#notice = h("p", { class: "alc-notice", role: "status", hidden: "" });
    this.#panel = h("section", { class: "alc-panel", role: "dialog", "aria-label": t("title"), hidden: "" }, h("div", { class: "alc-head" }, h("h2", {}, t("title")), minimise), this.#notice, this.#chat, this.#offline, this.#teamPicker.el);
    this.#panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this.minimise();
    });

    const accept = h("button", { class: "alc-btn alc-primary", type: "button" }, t("inviteAccept"));
    const decline = h("button", { class: "alc-btn", type: "button" }, t("inviteDecline"));
    accept.addEventListener("click", () => this.on.onInvite("accepted"));
    decline.addEventListener("click", () => this.on.onInvite("declined"));
    this.#invite = h("div", { class: "alc-invite", role: "status", hidden: "" }, h("p", {}, ""), h("div", { class: "alc-row" }, decline, accept));

    this.#root = h("div", { class: "alc" }, this.#invite, this.#panel, this.#launch);
    host.root.append(this.#root);
    // The co-browse bar sits at the bottom of the page: while it shows, the widget moves up by the
    // bar's height (a list of watchers can wrap onto more lines on a phone), so neither covers the
    // other's buttons or the chat box. CSSOM writes are allowed under a strict style-src.
    const lift = () => {
      const bar = host.root.querySelector(".al-bar");
      this.#root.classList.toggle("alc-lifted", bar !== null);
      const height = bar instanceof HTMLElement ? bar.offsetHeight : 0;
      if (height > 0) this.#root.style.setProperty("--alc-lift", `${height + 12}px`);
      else this.#root.style.removeProperty("--alc-lift");
    };
    new MutationObserver(guard(lift)).observe(host.root, { childList: true, subtree: true });
    addEventListener("resize", guard(lift));
  }

  show(view: PanelView): void {
    this.#launch.hidden = true;
    this.#panel.hidden = false;
    this.#chat.hidden = view !== "chat";
    this.#offline.hidden = view === "chat" || view === "teams";
    this.#teamPicker.el.hidden = view !== "teams";
    if (view === "thanks") this.#offline.replaceChildren(h("p", { role: "status" }, this.t("offlineThanks")));
    if (!this.#invite.hidden) this.#placeInvite();
    if (view === "chat" && !this.#restart.hidden) return this.focusAfterEnd();
    const target = view === "teams" ? this.#teamPicker.el.querySelector("input") : view !== "chat" ? (this.#offline.querySelector("input") ?? this.#panel) : this.#input;
    (target ?? this.#panel).focus();
  }

  /** Whether the chat has ended: the composer closes and "Start a new chat" is offered. */
  ended(isEnded: boolean): void {
    const focusWasInside = this.#composer.contains((this.#root.getRootNode() as Document | ShadowRoot).activeElement);
    this.#composer.hidden = isEnded;
    this.#restart.hidden = !isEnded;
    if (isEnded) {
      this.showTyping(false);
      if (focusWasInside) this.focusAfterEnd();
    }
  }

  /** After the end: the rating prompt while it asks, else "Start a new chat". */
  focusAfterEnd(): void {
    if (this.rating.el.hidden) this.#restart.querySelector<HTMLElement>(".alc-primary")?.focus();
    else this.rating.focus();
  }

  /** The teams a visitor may pick before a chat starts. */
  teams(list: readonly ChatTeamChoice[]): void {
    this.#teamPicker.teams(list);
  }

  minimise(): void {
    this.#panel.hidden = true;
    this.#launch.hidden = false;
    if (!this.#invite.hidden) this.#placeInvite();
    this.#launch.focus();
  }

  get isOpen(): boolean {
    return !this.#panel.hidden;
  }

  /** Which view the open panel shows. */
  get view(): "chat" | "offline" | "teams" {
    return !this.#teamPicker.el.hidden ? "teams" : this.#chat.hidden ? "offline" : "chat";
  }

  /** The offline form's first lines: why nobody answers now (closed, and when chat opens, or nobody online). */
  offlineIntro(text: string): void {
    if (this.#offlineIntro) this.#offlineIntro.textContent = text;
  }

  /** Whether the visitor has typed anything into the offline form (it is then never swapped away). */
  offlineTouched(): boolean {
    return [...this.#offline.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea")].some((f) => f.value !== "");
  }

  /**
   * Replaces the log with these entries, in the order given (the caller interleaves notes such as
   * "Alex has joined" and "The chat has ended" where they happened). `toBottom` scrolls to the
   * last entry even when the visitor had scrolled up (the end of the chat must be seen).
   */
  render(entries: readonly LogEntry[], toBottom = false): void {
    const stick = toBottom || this.#log.scrollTop + this.#log.clientHeight >= this.#log.scrollHeight - 8;
    const nodes: Node[] = entries.map((e) => {
      if (e.kind === "note") return h("p", { class: "alc-note" }, e.text);
      if (e.kind === "file") return this.#fileBubble(e);
      const bubble = h("div", { class: `alc-msg ${e.mine ? "alc-me" : "alc-them"}${e.pending ? " alc-pending" : ""}` }, h("span", { class: "alc-who" }, e.from));
      bubble.append(document.createTextNode(e.text));
      return bubble;
    });
    this.#log.replaceChildren(...nodes);
    if (stick) this.#log.scrollTop = this.#log.scrollHeight;
  }

  /** Offers the attach button (or not), with the picker limited to the accepted types. */
  setAttach(enabled: boolean, accept: string): void {
    this.#attach.hidden = !enabled;
    this.#picker.accept = accept;
  }

  /** An attachment bubble: name as text only, type and size, then its state or the download action. */
  #fileBubble(e: FileEntry): HTMLElement {
    const t = this.t;
    const bubble = h("div", { class: `alc-msg alc-file ${e.mine ? "alc-me" : "alc-them"}${e.state === "refused" ? " alc-file-refused" : ""}` }, h("span", { class: "alc-who" }, e.from));
    // <bdi>: a right-to-left name cannot reorder the text around it.
    bubble.append(h("bdi", { class: "alc-file-name" }, e.name), h("span", { class: "alc-file-meta" }, e.meta));
    if (e.state === "uploading") {
      const size = Math.max(1, e.size ?? 1);
      const done = Math.min(size, e.received ?? 0);
      const percent = `${Math.floor((done / size) * 100)} %`;
      bubble.append(h("progress", { max: String(size), value: String(done), "aria-label": t("fileProgress", { name: e.name }) }), h("span", { class: "alc-file-state" }, t("fileUploading", { percent })));
    } else if (e.state === "scanning") {
      bubble.append(h("span", { class: "alc-file-state" }, t("fileScanning")));
    } else if (e.state === "sent") {
      bubble.append(h("span", { class: "alc-file-state" }, t("fileSent")));
    } else if (e.state === "refused") {
      bubble.append(h("span", { class: "alc-file-state" }, e.sentence ?? ""));
    } else if (e.fileId) {
      const id = e.fileId;
      const download = h("button", { class: "alc-btn alc-file-download", type: "button", "aria-label": t("fileDownloadNamed", { name: e.name }) }, t("fileDownload"));
      download.addEventListener("click", () => this.on.onFileDownload(id));
      bubble.append(download);
    }
    return bubble;
  }

  /** A sentence about why something was refused or paused (never a raw code); undefined clears it. */
  notice(text: string | undefined): void {
    this.#notice.textContent = text ?? "";
    this.#notice.hidden = text === undefined;
  }

  showTyping(typing: boolean): void {
    this.#typing.textContent = typing ? this.t("typing") : "";
  }

  /** Shows an agent's invitation: above the launcher, or at the top of the panel while it is open. */
  invite(text: string): void {
    const p = this.#invite.querySelector("p");
    if (p) p.textContent = text;
    this.#invite.hidden = false;
    this.#placeInvite();
  }

  hideInvite(): void {
    this.#invite.hidden = true;
  }

  #placeInvite(): void {
    const inside = this.isOpen;
    this.#invite.classList.toggle("alc-invite-inline", inside);
    if (inside) this.#panel.insertBefore(this.#invite, this.#notice);
    else this.#root.prepend(this.#invite);
  }

  #submit(): void {
    const text = this.#input.value.trim();
    if (!text) return;
    this.#input.value = "";
    this.on.onTyping(false);
    this.on.onSend(text);
  }

  #typed(): void {
    this.on.onTyping(this.#input.value.length > 0);
    if (this.#typingTimer !== undefined) clearTimeout(this.#typingTimer);
    this.#typingTimer = setTimeout(() => this.on.onTyping(false), 4_000);
  }

  #offlineForm(): HTMLElement {
    const t = this.t;
    const name = h("input", { name: "name", autocomplete: "name", maxlength: "120" });
    const email = h("input", { name: "email", type: "email", autocomplete: "email", maxlength: "320" });
    const text = h("textarea", { name: "message", maxlength: "2000", required: "" });
    const form = h(
      "form",
      { class: "alc-offline", hidden: "" },
      (this.#offlineIntro = h("p", { class: "alc-offline-intro" }, t("offlineIntro"))),
      h("label", {}, t("name"), name),
      h("label", {}, t("email"), email),
      h("label", {}, t("message"), text),
      h("div", { class: "alc-row" }, h("button", { class: "alc-btn alc-primary", type: "submit" }, t("offlineSend"))),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (text.value.trim()) this.on.onOffline({ name: name.value, email: email.value, text: text.value });
    });
    return form;
  }
}

/** The attach button's paperclip (drawn, so no icon font or image is loaded into the site's page). */
function paperclip(): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "20");
  svg.setAttribute("height", "20");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5");
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", "1.8");
  path.setAttribute("stroke-linecap", "round");
  svg.append(path);
  return svg;
}
