import type { AgentMessage, ControlEvent } from "../../protocol/agent-messages.js";
import type { CobrowseMode } from "../../protocol/fields.js";
import type { MaskedFieldEdit } from "../../protocol/mask.js";
import type { ServerToAgent } from "../../protocol/server-messages.js";
import { CanvasPainter } from "./canvas-painter.js";
import { CountdownBanner } from "./countdown-banner.js";
import { clockText, endReasonText } from "./end-reason-text.js";
import { refusalText } from "./refusal-text.js";
import { GuideLayer } from "./guide-layer.js";
import { GuidePalette, type GuideTool } from "./guide-palette.js";
import { PageCopy } from "./page-copy.js";
import { SessionTools } from "./session-tools.js";
import { viewerCss } from "./viewer-styles.js";
import { ZoomControls, type Zoom } from "./zoom-controls.js";

// The agent's co-browse view: the page copy scaled to fit, the visitor's pointer, and the agent's
// tools. In view mode a click highlights a spot for the visitor; in control mode (after the
// visitor agreed) clicks, typing and wheel scrolling go back as control events naming node ids.
// The replay frame itself never receives input (pointer-events: none): an overlay catches it
// and resolves the node with the frame's own hit testing, so links and forms stay inert.

export interface ViewerOptions {
  /** URL of the empty replay document (served with the replay CSP). */
  readonly frameSrc: string;
  readonly send: (msg: AgentMessage) => void;
}

const SCROLL_EVERY_MS = 100;
/** The Airlock server process holding the session stopped; another took it over. */
const MOVED_TEXT = "The Airlock server that held this session stopped. The session continues on another server, with the visitor's consent as it was; their page is shown again as soon as it arrives.";

export class CobrowseViewer {
  readonly element: HTMLElement;
  readonly pageCopy: PageCopy;
  readonly ready: Promise<void>;
  #mode: CobrowseMode = "view";
  #ended = false;
  /** The visitor let this agent watch (from the server's state). */
  #admitted = false;
  #scale = 1;
  #viewport = { width: 1280, height: 800 };
  #welcomed = false;
  #awayLimitMs: number | undefined;
  #typingId: number | undefined;
  /** Policy, as the relay's welcome says it: values are masked (private by default), masked fields may be replaced. */
  #maskInputValues = true;
  #maskedFields: MaskedFieldEdit = "replace";
  #scrollTimer: ReturnType<typeof setTimeout> | undefined;
  #pendingScroll: { x: number; y: number } | undefined;
  readonly #status: HTMLElement;
  readonly #url: HTMLElement;
  readonly #stage: HTMLElement;
  readonly #scaler: HTMLElement;
  /** Takes the scaled page copy's size in the stage, so the stage scrolls when the page copy is bigger. */
  readonly #sizer: HTMLElement;
  readonly #zoom: ZoomControls;
  readonly #frame: HTMLIFrameElement;
  readonly #overlay: HTMLElement;
  readonly #pointer: HTMLElement;
  readonly #typer: HTMLInputElement;
  readonly #endedCover: HTMLElement;
  readonly #endedTitle: HTMLElement;
  readonly #endedWhy: HTMLElement;
  readonly #tools: SessionTools;
  readonly #palette: GuidePalette;
  readonly #guides: GuideLayer;
  readonly #canvases: CanvasPainter;
  readonly #awayBanner = new CountdownBanner("away");
  readonly #onVisibility = () => this.reportPresence();
  readonly #endingBanner = new CountdownBanner("ending");

  constructor(private readonly options: ViewerOptions) {
    adoptStyles(viewerCss);
    this.#status = el("span", { class: "cb-status", role: "status", "aria-live": "polite" }, "Waiting for the visitor…");
    this.#url = el("span", { class: "cb-url" });
    this.#tools = new SessionTools({
      send: (m) => this.options.send(m),
      onAsk: (action) => {
        this.#status.textContent = action === "request-control" ? "Asking the visitor for control…" : "Asking the visitor again…";
      },
      onLeave: () => this.leave(),
    });
    this.#zoom = new ZoomControls(() => this.fit());
    // One compact row of controls (zoom, then the session's buttons), and below it one line of
    // what is happening: status, the visitor's address, who watches. Docked beside a chat the
    // viewer is ~36 rem wide, where a single mixed row wrapped onto three lines.
    this.#palette = new GuidePalette(
      (tool) => this.toolChanged(tool),
      () => this.#guides.clear(true),
    );
    const controls = el("div", { class: "cb-bar" }, this.#zoom.element, this.#palette.element, el("div", { class: "cb-toolbar", role: "toolbar", "aria-label": "Co-browse tools" }, this.#tools.buttons));
    const about = el("div", { class: "cb-meta" }, this.#status, this.#url, this.#tools.watchers);
    this.#frame = el("iframe", { sandbox: "allow-same-origin", src: options.frameSrc, title: "Visitor's page (replica)", referrerpolicy: "no-referrer", tabindex: "-1" }) as HTMLIFrameElement;
    this.#pointer = el("div", { class: "cb-pointer", "aria-hidden": "true" });
    this.#typer = el("input", { class: "cb-typer", type: "text", "aria-label": "Type into the visitor's field", autocomplete: "off" }) as HTMLInputElement;
    this.#overlay = el("div", { class: "cb-overlay", "data-mode": "view", tabindex: "0", role: "application", "aria-label": "Visitor's page. Click to point at a spot for the visitor." }, this.#pointer, this.#typer);
    this.#scaler = el("div", { class: "cb-scaler" }, this.#frame, this.#overlay);
    this.#endedTitle = el("p", { class: "cb-ended-title" }, "The co-browse session has ended.");
    this.#endedWhy = el("p", { class: "cb-ended-why", "data-testid": "end-reason" });
    this.#endedCover = el("div", { class: "cb-ended", "data-show": "false", role: "status" }, el("div", {}, this.#endedTitle, this.#endedWhy));
    this.#sizer = el("div", { class: "cb-sizer", "aria-hidden": "true" });
    this.#stage = el("div", { class: "cb-stage" }, this.#sizer, this.#scaler, this.#endedCover);
    this.element = el("div", { class: "cb-viewer" }, controls, about, this.#tools.notice, this.#awayBanner.element, this.#endingBanner.element, this.#stage);
    this.pageCopy = new PageCopy(this.#frame);
    this.#canvases = new CanvasPainter(this.pageCopy);
    this.#guides = new GuideLayer({
      overlay: this.#overlay,
      pageCopy: this.pageCopy,
      point: (e) => this.point(e),
      tool: () => this.#palette.tool,
      active: () => !this.#ended && this.#tools.allows("highlight"),
      send: (m) => this.options.send(m),
    });
    // Escape anywhere in the viewer (but in the typing box, where it closes the box) clears the guidance.
    this.element.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && e.target !== this.#typer && !this.#ended && this.#tools.allows("highlight")) this.#guides.clear(true);
    });
    this.ready = new Promise((resolve) => this.#frame.addEventListener("load", () => resolve(), { once: true }));
    this.wireInput();
    new ResizeObserver(() => this.fit()).observe(this.#stage);
    // Watching is presence: the server hears whether this page is visible, never how often the agent clicks.
    document.addEventListener("visibilitychange", this.#onVisibility);
  }

  get mode(): CobrowseMode {
    return this.#mode;
  }

  /** Applies one message from /ws/agent. */
  handle(msg: ServerToAgent): void {
    switch (msg.kind) {
      case "welcome":
        this.#welcomed = true;
        this.#awayLimitMs = msg.awayLimitMs;
        // (Re)joined: a lost connection is back.
        this.#awayBanner.hide();
        this.reportPresence();
        if (typeof msg.maskInputValues === "boolean") this.#maskInputValues = msg.maskInputValues;
        this.#maskedFields = msg.maskedFields === "never" ? "never" : "replace";
        return this.setMode(msg.mode);
      case "away":
        if (msg.endsInMs === null) return this.#awayBanner.hide();
        return this.#awayBanner.show(msg.endsInMs, (left) => `You are away from this session: it ends in ${left} unless you come back to this page.`, "Away");
      case "moved": {
        // A question the visitor had not answered was withdrawn with the move: the agent may ask again.
        const withdrawn = Array.isArray(msg.withdrawn) ? msg.withdrawn : [];
        if (withdrawn.length === 0) return this.#tools.tell(MOVED_TEXT);
        const asked = withdrawn.includes("control") ? "for control" : "to see the page";
        if (!this.#ended) this.setMode(this.#mode);
        return this.#tools.tell(`${MOVED_TEXT} Your question ${asked} was withdrawn before the visitor answered; ask again if you still need it.`);
      }
      case "ending":
        return this.#endingBanner.show(msg.endsInMs, (left) => `This session ends in ${left}: it reaches the time limit your organisation set for co-browse sessions.`, "Ending in");
      case "state": {
        if (msg.state === "ended") return this.end(endReasonText(msg.reason));
        this.#tools.update(msg);
        this.#palette.enable(this.#tools.allows("highlight"));
        // v2 servers name this agent's seat; control is this agent's only when granted to it by name.
        const mine = msg.watchers?.find((w) => w.id === msg.you);
        this.#admitted = msg.admitted ?? msg.state === "active";
        this.setMode(msg.you === undefined ? msg.mode : mine?.controlling ? "control" : "view");
        if (!this.#admitted) this.#status.textContent = "Waiting for the visitor to let you see the page…";
        return;
      }
      case "consent":
        this.#tools.consent(msg);
        return;
      case "guides-cleared":
        this.#guides.clear(false);
        if (msg.by === "visitor") this.#status.textContent = "The visitor cleared the drawings.";
        return;
      case "snapshot":
        this.#canvases.clear();
        this.pageCopy.snapshot(msg);
        this.#viewport = msg.viewport;
        this.#url.textContent = msg.url;
        this.fit();
        this.setMode(this.#mode);
        return;
      case "mutations":
        return this.pageCopy.mutations(msg);
      case "canvas":
        return this.#canvases.paint(msg);
      case "viewport":
        this.#viewport = msg.viewport;
        return this.fit();
      case "pointer":
        return this.showPointer(msg.x, msg.y);
      case "navigation":
        // The visitor's next page shows none of the drawings.
        this.#guides.clear(false);
        this.#url.textContent = msg.url;
        return this.pageCopy.event(msg);
      case "scroll":
      case "focus":
      case "hover":
      case "input":
        return this.pageCopy.event(msg);
      case "error":
        if (msg.ref === "control" && typeof msg.node === "number") this.rollBack(msg.node);
        this.#status.textContent = refusalText(msg.code);
        return;
      case "control-refused":
        this.rollBack(msg.id);
        this.#status.textContent = refusalText(msg.reason);
        return;
    }
  }

  leave(): void {
    if (!this.#ended) this.options.send({ kind: "leave" });
    this.end(endReasonText("agent_left"));
  }

  /** How long the session keeps this agent's seat when its connection is lost (from the welcome). */
  get awayLimitMs(): number | undefined {
    return this.#awayLimitMs;
  }

  /**
   * The connection dropped (not closed on purpose): the seat waits for this agent. While the
   * socket reconnects (`msLeft` given) a countdown shows; otherwise the view ends.
   */
  connectionLost(msLeft?: number): void {
    if (this.#ended) return;
    if (msLeft !== undefined) {
      this.#awayBanner.show(msLeft, (left) => `The connection to the session was lost. Reconnecting… the session ends in ${left} unless the connection comes back.`, "Reconnecting");
      return;
    }
    const wait = this.#awayLimitMs === undefined ? "a short while" : clockText(this.#awayLimitMs);
    this.end(`Reload this page within ${wait} to return to the session; after that it ends.`, "The connection to the co-browse session was lost.");
  }

  /** Tells the server whether this page is visible (hidden = away). */
  private reportPresence(): void {
    if (this.#welcomed && !this.#ended) this.options.send({ kind: "presence", visible: document.visibilityState === "visible" });
  }

  private setMode(mode: CobrowseMode): void {
    if (this.#ended) return;
    this.#mode = mode;
    this.#overlay.dataset.mode = this.#mode;
    this.toolChanged(this.#palette.tool);
    this.#status.dataset.mode = this.#mode;
    this.#status.textContent = this.#mode === "control" ? "You are controlling the visitor's page" : "You are viewing the visitor's page";
    if (this.#mode === "view") this.hideTyper();
  }

  /** The overlay says what a click or drag does with the tool in use. */
  private toolChanged(tool: GuideTool): void {
    this.#overlay.dataset.tool = tool;
    const pointer = this.#mode === "control" ? "Click, type and scroll act on the visitor's page." : "Click to point at a spot for the visitor.";
    this.#overlay.setAttribute("aria-label", `Visitor's page. ${tool === "pointer" ? pointer : this.#palette.hint}`);
  }

  private end(why: string, title = "The co-browse session has ended."): void {
    if (this.#ended) return;
    this.#ended = true;
    document.removeEventListener("visibilitychange", this.#onVisibility);
    this.#awayBanner.hide();
    this.#endingBanner.hide();
    this.#status.textContent = "Session ended";
    this.#endedTitle.textContent = title;
    this.#endedWhy.textContent = why;
    this.#endedCover.dataset.show = "true";
    this.hideTyper();
    this.#tools.end();
    this.#palette.enable(false);
    this.#guides.clear(false);
    this.#canvases.clear();
    const doc = this.pageCopy.document;
    // Nothing of the visitor's page stays on the agent's screen once the session is over.
    if (doc?.body) doc.body.replaceChildren();
  }

  /** The scale the page copy shows at now (1 = the visitor's CSS pixels, one to one). */
  get scale(): number {
    return this.#scale;
  }

  /** Fit to width (the default), or a fixed scale such as 1 for 100 %. */
  setZoom(zoom: Zoom): void {
    this.#zoom.set(zoom);
  }

  private fit(): void {
    const { width, height } = this.#viewport;
    const zoom = this.#zoom.zoom;
    // Fit to width leaves session for the stage's vertical scroll bar; a fixed zoom is taken as is.
    const available = this.#stage.clientWidth;
    this.#scale = zoom === "width" ? Math.min(2, Math.max(0.25, available / Math.max(width, 1))) || 1 : zoom;
    this.#frame.style.width = `${width}px`;
    this.#frame.style.height = `${height}px`;
    this.#scaler.style.transform = `scale(${this.#scale})`;
    this.#sizer.style.width = `${Math.floor(width * this.#scale)}px`;
    this.#sizer.style.height = `${Math.floor(height * this.#scale)}px`;
    this.#zoom.shows(this.#scale);
  }

  private showPointer(x: number, y: number): void {
    const win = this.pageCopy.window;
    if (!win) return;
    this.#pointer.style.display = "block";
    this.#pointer.style.left = `${x - win.scrollX}px`;
    this.#pointer.style.top = `${y - win.scrollY}px`;
  }

  /** Overlay coordinates (visitor viewport CSS pixels) of a mouse event. */
  private point(e: MouseEvent): { x: number; y: number } {
    const r = this.#overlay.getBoundingClientRect();
    return { x: (e.clientX - r.left) / this.#scale, y: (e.clientY - r.top) / this.#scale };
  }

  private wireInput(): void {
    this.#overlay.addEventListener("click", (e) => {
      if (this.#ended || e.target === this.#typer || this.#palette.tool !== "pointer") return;
      const { x, y } = this.point(e);
      const win = this.pageCopy.window;
      if (!win) return;
      if (this.#mode === "view") {
        if (this.#tools.allows("highlight")) this.options.send({ kind: "highlight", x: Math.round(x + win.scrollX), y: Math.round(y + win.scrollY) });
        return;
      }
      const target = this.pageCopy.document?.elementFromPoint(x, y) ?? null;
      const id = this.pageCopy.idAround(target);
      if (id === undefined) return;
      this.control({ type: "click", id });
      this.offerTyping(id);
    });
    this.#overlay.addEventListener("wheel", (e) => {
      if (this.#ended || this.#mode !== "control") return;
      e.preventDefault();
      const win = this.pageCopy.window;
      if (!win) return;
      const base = this.#pendingScroll ?? { x: win.scrollX, y: win.scrollY };
      this.#pendingScroll = { x: Math.max(0, base.x + e.deltaX), y: Math.max(0, base.y + e.deltaY) };
      if (this.#scrollTimer !== undefined) return;
      this.#scrollTimer = setTimeout(() => {
        this.#scrollTimer = undefined;
        const p = this.#pendingScroll;
        this.#pendingScroll = undefined;
        if (p) this.control({ type: "scroll", id: 0, x: Math.round(p.x), y: Math.round(p.y) });
      }, SCROLL_EVERY_MS);
    }, { passive: false });
    this.#typer.addEventListener("input", () => {
      if (this.#typingId === undefined) return;
      this.control({ type: "input", id: this.#typingId, value: this.#typer.value });
    });
    this.#typer.addEventListener("keydown", (e) => {
      if (this.#typingId === undefined) return;
      if (e.key === "Enter") this.control({ type: "key", id: this.#typingId, key: "Enter" });
      if (e.key === "Escape" || e.key === "Enter") this.hideTyper();
    });
  }

  private control(event: ControlEvent): void {
    if (this.#mode === "control" && !this.#ended) this.options.send({ kind: "control", event });
  }

  /**
   * After a click on a field: a box to type into it. A field whose value the agent sees masked is
   * only ever replaced whole (the box starts empty: the placeholder is never sent back), or, where
   * policy says so, not edited at all; password and card fields are never offered.
   */
  private offerTyping(id: number): void {
    const node = this.pageCopy.nodeById(id);
    if (!node || !isTypable(node)) return this.hideTyper();
    if (isSecretField(node)) {
      this.hideTyper();
      this.#status.textContent = refusalText("secret_field");
      return;
    }
    const masked = this.pageCopy.valueMasked(id, this.#maskInputValues);
    if (masked && this.#maskedFields === "never") {
      this.hideTyper();
      this.#status.textContent = "This field's value is hidden from you, and Airlock's policy does not let agents change hidden values.";
      return;
    }
    this.showTyper(id, node, masked);
    if (masked) this.#status.textContent = "This field's value is hidden from you: what you type replaces it completely.";
  }

  /**
   * The relay or the visitor's page refused an event on this node: whatever the agent typed there
   * goes, and the page copy shows the page's real state again (the relay's latest value).
   */
  private rollBack(id: number): void {
    if (this.#typingId !== id) return;
    this.hideTyper();
    this.#typer.value = "";
  }

  private showTyper(id: number, node: Element, masked: boolean): void {
    const r = node.getBoundingClientRect();
    this.#typingId = id;
    const current = (node as HTMLInputElement).value ?? "";
    this.#typer.value = masked ? "" : current;
    this.#typer.placeholder = masked ? "Type a new value (replaces the hidden one)" : "";
    this.#typer.dataset.masked = String(masked);
    this.#typer.style.display = "block";
    this.#typer.style.left = `${r.left}px`;
    this.#typer.style.top = `${r.top}px`;
    this.#typer.style.width = `${Math.max(r.width, 120)}px`;
    this.#typer.focus();
  }

  private hideTyper(): void {
    this.#typingId = undefined;
    this.#typer.style.display = "none";
  }
}

function isSecretField(node: Element): boolean {
  return (node.getAttribute("type") ?? "").toLowerCase() === "password" || /(^|\s)cc-/i.test(node.getAttribute("autocomplete") ?? "");
}

function isTypable(node: Element): boolean {
  const tag = node.localName;
  if (tag === "textarea") return true;
  if (tag !== "input") return false;
  const type = (node.getAttribute("type") ?? "text").toLowerCase();
  return ["text", "search", "email", "tel", "url", "number", ""].includes(type);
}

function el(tag: string, attrs: Readonly<Record<string, string>> = {}, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

const adopted = new Set<string>();
function adoptStyles(css: string): void {
  if (adopted.has(css)) return;
  adopted.add(css);
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
