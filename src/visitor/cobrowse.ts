import type { CanvasSettings } from "../protocol/canvas.js";
import type { CobrowseMode } from "../protocol/fields.js";
import type { ConsentRequestToVisitor, StateMessage, WelcomeToVisitor } from "../protocol/server-messages.js";
import type { Watcher } from "../protocol/watchers.js";
import { CanvasCapture, readCanvasSettings } from "./canvas-capture.js";
import { Recorder } from "./capture/recorder.js";
import { privacyRules, type PrivacyRules } from "./capture/privacy.js";
import type { VisitorContext } from "./context.js";
import { dispatchControl } from "./control/dispatch.js";
import { guard } from "./safe.js";
import { Connection } from "./transport/connection.js";
import type { ServerFrame } from "./transport/server-frames.js";
import { clearResume, loadResume, saveResume, type ResumeState } from "./transport/resume-store.js";
import { CobrowseUi, type WatcherView } from "./ui/cobrowse-ui.js";
import { GuideOverlay } from "./ui/guide-overlay.js";
import { guidePoints } from "./ui/guide-points.js";
import { SessionNotice } from "./ui/session-notice.js";

// The co-browsing feature: keeps the visit's connection to Airlock (which the chat widget shares),
// asks the visitor before sharing (view) and again before control, captures only while an agent
// watches and the visitor agreed, and acts on agent control events only while control is granted.
// The visit and its resume token survive navigation within the site in the same tab, and outlive
// co-browse sessions: when one ends the connection stays (chat goes on) and the next session asks
// for consent again. Consent given in a session survives navigation within that session only.

type Consent = ResumeState["consent"];

/** Optional privacy settings the relay may add to `welcome` (the site's masking selectors). */
interface WelcomePrivacy {
  readonly maskingSelectors?: readonly string[];
  readonly maskInputValues?: boolean;
  /** Policy cobrowse.maskedFields: `never` lets no agent type into a masked field. */
  readonly maskedFieldEdit?: unknown;
  /** Present only when the co-browse policy enables canvas images. */
  readonly canvas?: unknown;
}

export function cobrowse(ctx: VisitorContext): void {
  new CobrowseSession(ctx).start();
}

class CobrowseSession {
  readonly #conn: Connection;
  #ui: CobrowseUi | undefined;
  #notice: SessionNotice | undefined;
  #rules: PrivacyRules = privacyRules();
  #recorder: Recorder | undefined;
  /** Set only when the relay's welcome enables canvas images (policy cobrowse.canvas). */
  #canvas: CanvasCapture | undefined;
  #canvasSettings: CanvasSettings | undefined;
  /** The agents' laser, outline and drawings; exists only while something was shown in this session. */
  #guides: GuideOverlay | undefined;
  #consent: Consent = "none";
  #agent = "";
  #token: string | undefined;
  #visit = "";
  /** The co-browse session `#consent` was given in. */
  #session = "";
  #resuming: boolean;
  #state: StateMessage | undefined;
  /** The request id of the prompt on screen. */
  #asking: string | undefined;

  constructor(private readonly ctx: VisitorContext) {
    const resume = loadResume();
    this.#consent = resume?.consent ?? "none";
    this.#agent = resume?.agent ?? "";
    this.#visit = resume?.visit ?? "";
    this.#session = resume?.session ?? "";
    this.#resuming = resume !== undefined;
    this.#conn = new Connection({
      url: ctx.wsUrl("/ws/visitor"),
      siteKey: ctx.siteKey,
      resumeToken: resume?.token,
      onMessage: (msg) => this.onMessage(msg),
      onOtherFrame: (data) => ctx.channel.receive(data),
      onClose: (reason) => {
        ctx.channel.closed(reason);
        this.pause();
      },
    });
    ctx.channel.attach((frame) => this.#conn.sendFeature(frame));
  }

  start(): void {
    this.#conn.connect();
    // Leaving the page: send what is pending so the agent's view is current until the next page resumes.
    addEventListener("pagehide", guard(() => this.#recorder?.flush()));
  }

  private ui(): CobrowseUi {
    this.#ui ??= new CobrowseUi(this.ctx.ui());
    return this.#ui;
  }

  private notice(): SessionNotice {
    this.ui();
    this.#notice ??= new SessionNotice(this.ctx.ui());
    return this.#notice;
  }

  private onMessage(msg: ServerFrame): void {
    switch (msg.kind) {
      case "snapshot-request":
        if (this.#recorder?.running) this.#recorder.snapshot();
        return;
      case "welcome":
        return this.onWelcome(msg);
      case "state":
        return this.onState(msg);
      case "consent-request":
        return void this.onConsentRequest(msg);
      case "ending":
        if (this.#state?.state === "active" && typeof msg.endsInMs === "number" && Number.isFinite(msg.endsInMs)) this.notice().endingSoon(msg.endsInMs);
        return;
      case "consent-cancel":
        // The agent who asked left before the visitor answered: the prompt goes, unanswered.
        if (this.#asking === msg.request) this.#ui?.closeDialog();
        return;
      case "control":
        if (this.#consent === "control" && this.#state?.mode === "control" && this.#recorder?.running) {
          const outcome = dispatchControl(msg.event, this.#recorder.mirror, this.#rules, (n) => this.ctx.ui().contains(n));
          // The agent learns why nothing happened (never what the element holds).
          if (!outcome.ok) this.#conn.send({ kind: "control-refused", id: msg.event.id, reason: outcome.reason, type: msg.event.type });
        }
        return;
      case "highlight":
        if (this.#recorder?.running && Number.isFinite(msg.x) && Number.isFinite(msg.y)) this.ui().highlight(msg.x, msg.y, this.#agent);
        return;
      case "laser":
      case "outline":
      case "draw":
      case "clear-guides":
        return this.onGuide(msg);
      case "error":
        // A resume token that no longer works (expired, used, session over): start afresh.
        if (this.#resuming && this.#token === undefined) this.restartWithoutResume();
        return;
    }
  }

  /**
   * Guidance is shown only while the visitor shares the page (view consent, an agent watching):
   * the relay checked the frame already, and the page checks again here.
   */
  private onGuide(msg: Extract<ServerFrame, { kind: "laser" | "outline" | "draw" | "clear-guides" }>): void {
    if (msg.kind === "clear-guides") return this.clearGuides(false);
    if (!this.#recorder?.running || this.#consent === "none") return;
    if (msg.kind === "outline") {
      const node = typeof msg.id === "number" ? this.#recorder.mirror.nodeOf(msg.id) : undefined;
      // Only an element of the page the capture knows, never Airlock's own UI.
      if (!(node instanceof Element) || this.ctx.ui().contains(node)) return;
      (this.#guides ??= new GuideOverlay()).outline(node, this.ui().outlineLabel(this.#agent));
    } else {
      const points = guidePoints(msg.points, msg.kind === "laser" ? "laser" : "draw");
      if (!points) return;
      this.#guides ??= new GuideOverlay();
      if (msg.kind === "laser") this.#guides.laser(points);
      else this.#guides.draw(points);
    }
    this.ui().guidesShown(this.#guides.showing, this.#agent);
  }

  /** Every drawing goes from the page (the visitor's button, an agent, or the session is over). */
  private clearGuides(byVisitor: boolean): void {
    this.#guides?.destroy();
    this.#guides = undefined;
    if (byVisitor) this.#conn.send({ kind: "clear-guides" });
    this.#ui?.guidesShown(false, this.#agent, byVisitor);
  }

  private onWelcome(msg: WelcomeToVisitor & { privacy?: WelcomePrivacy }): void {
    this.#resuming = false;
    this.#token = msg.resumeToken;
    this.#conn.setResumeToken(msg.resumeToken);
    this.#visit = typeof msg.visit === "string" ? msg.visit : "";
    // The session consented to ended while the page changed: the next one asks again.
    const session = typeof msg.session === "string" ? msg.session : "";
    if (session !== this.#session) this.end();
    this.#session = session;
    this.ctx.channel.welcomed();
    const p = msg.privacy;
    const selectors = Array.isArray(p?.maskingSelectors) ? p.maskingSelectors.filter((s): s is string => typeof s === "string") : [];
    // Anything but an explicit "replace" is read as the stricter rule.
    const rules = privacyRules(selectors, p?.maskInputValues !== false, p?.maskedFieldEdit === "replace" || p?.maskedFieldEdit === undefined ? "replace" : "never");
    if (rules.maskSelector !== this.#rules.maskSelector || rules.maskInputValues !== this.#rules.maskInputValues) {
      this.#recorder?.stop();
      this.#recorder = undefined;
    }
    this.#rules = rules;
    this.#canvas?.stop();
    this.#canvas = undefined;
    this.#canvasSettings = readCanvasSettings(p?.canvas);
    this.persist();
  }

  private onState(msg: StateMessage): void {
    const hadSession = this.#state !== undefined || this.#consent !== "none";
    this.#state = msg;
    if (msg.state === "ended") {
      // The visitor learns why sharing ended, in a sentence (who or which limit ended it).
      if (hadSession) this.notice().ended(typeof msg.reason === "string" ? msg.reason : undefined, this.#agent);
      return this.end();
    }
    if (this.#consent !== "control" && msg.mode === "control") this.#consent = "view";
    const sharing = msg.state === "active" && msg.watching && this.#consent !== "none";
    if (!sharing) return this.pause();
    this.#recorder ??= new Recorder(window, this.#rules, (m) => {
      this.#conn.send(m);
      if (m.kind === "snapshot") this.#canvas?.resend();
    });
    if (!this.#recorder.running) this.#recorder.start();
    const canvas = this.#canvasSettings;
    if (canvas) (this.#canvas ??= new CanvasCapture(window, this.#recorder.mirror, this.#rules, canvas, (m) => this.#conn.send(m))).start();
    this.ui().showSession(msg.mode === "control" && this.#consent === "control" ? "control" : "view", this.watchers(msg), {
      onStop: () => this.stopByVisitor(),
      onTakeBack: () => this.takeBack(),
      onRemove: (watcher) => this.#conn.send({ kind: "remove-watcher", watcher }),
      onClearGuides: () => this.clearGuides(true),
    });
  }

  /** Who watches now, as the relay says (a relay without watcher lists: the agent who asked). */
  private watchers(msg: StateMessage): WatcherView[] {
    const listed: unknown = msg.watchers;
    if (!Array.isArray(listed)) return [{ id: "", displayName: this.#agent, role: "", controlling: msg.mode === "control" }];
    return listed.filter(isWatcher).map((w) => ({ id: w.id, displayName: w.displayName.slice(0, 80), role: w.role, controlling: w.controlling === true }));
  }

  /**
   * Every question is asked: each agent who would see the page is named (with their role) and
   * let in only by the visitor's own yes, even while others already watch.
   */
  private async onConsentRequest(msg: ConsentRequestToVisitor): Promise<void> {
    const mode: CobrowseMode = msg.mode === "control" ? "control" : "view";
    const displayName = typeof msg.agent?.displayName === "string" ? msg.agent.displayName.slice(0, 80) : "";
    const role = typeof msg.agent?.role === "string" ? msg.agent.role : "";
    // Consent belongs to one co-browse session: a question from another session is asked afresh.
    // (A relay that does not name the session asks for the one its welcome named.)
    const session = typeof msg.session === "string" ? msg.session : this.#session;
    if (session !== this.#session) this.#consent = "none";
    this.#session = session;
    this.#asking = msg.request;
    const answer = await this.ui().askConsent(mode, { displayName, role, additional: msg.additional === true });
    if (this.#asking === msg.request) this.#asking = undefined;
    // Withdrawn (the agent left, the page moved on): nothing to answer.
    if (answer === undefined) return;
    if (answer && (mode === "control" || this.#consent === "none")) this.#consent = mode;
    if (answer && !msg.additional) this.#agent = displayName;
    this.#conn.send({ kind: "consent", request: msg.request, answer: answer ? "granted" : "denied", mode });
    this.persist();
  }

  private takeBack(): void {
    this.#consent = "view";
    this.#conn.send({ kind: "revoke" });
    this.persist();
    if (this.#state) this.onState({ ...this.#state, mode: "view" });
  }

  private stopByVisitor(): void {
    this.#conn.send({ kind: "end" });
    this.end();
  }

  /**
   * The co-browse session is over: nothing more is captured and the next session asks again.
   * The visit goes on (same connection, same resume token): chat keeps working.
   */
  private end(): void {
    this.clearGuides(false);
    this.#recorder?.stop();
    this.#canvas?.stop();
    this.#consent = "none";
    this.#state = undefined;
    this.#ui?.hideSession(true);
    this.persist();
  }

  private pause(): void {
    this.clearGuides(false);
    this.#recorder?.stop();
    this.#canvas?.stop();
    this.#ui?.hideSession(false);
  }

  private persist(): void {
    if (this.#token) saveResume({ token: this.#token, visit: this.#visit, session: this.#session, consent: this.#consent, agent: this.#agent });
  }

  private restartWithoutResume(): void {
    this.#resuming = false;
    this.#consent = "none";
    clearResume();
    this.#conn.setResumeToken(undefined);
    this.#conn.stop();
    const next = new CobrowseSession(this.ctx);
    next.start();
  }
}

function isWatcher(value: unknown): value is Watcher {
  if (typeof value !== "object" || value === null) return false;
  const w = value as Record<string, unknown>;
  return typeof w.id === "string" && typeof w.displayName === "string" && typeof w.role === "string";
}
