import * as z from "zod/mini";
import { newClientId } from "../../../protocol/chat-ledger.js";
import type { ChatConversationFrame, ChatFileLimitsFrame, ChatServerFrame, PresenceVisitor } from "../../../protocol/chat-frames.js";
import type { FileChunkFrame, FileStartFrame } from "../../../protocol/file-upload.js";
import { api } from "../api.js";
import { ChatPane } from "../chat/chat-pane.js";
import { ChatSocket } from "../chat/chat-socket.js";
import { InviteStatuses } from "../chat/invite-status.js";
import { formatDuration } from "../components/format.js";
import { statusRegion } from "../components/notice.js";
import { pageHeader } from "../components/page-header.js";
import { h, replaceChildren } from "../dom.js";
import { CobrowseDock } from "../inbox/cobrowse-dock.js";
import { ConversationList, folderOf, type InboxConversation } from "../inbox/conversation-list.js";
import { InboxViews } from "../inbox/inbox-views.js";
import { VisitorContextPane } from "../inbox/visitor-context.js";
import { VisitorList } from "../visitors/visitor-list.js";
import { definePage } from "./page.js";

const sitesSchema = z.object({ sites: z.array(z.object({ id: z.string(), name: z.string() })) });
const agentsSchema = z.object({ agents: z.array(z.object({ id: z.string(), name: z.string() })), teams: z.optional(z.array(z.object({ id: z.string(), name: z.string() }))) });
/** A team in the transfer form: its choice's value names the team, not an agent. */
const TEAM_CHOICE = "team:";
const cannedSchema = z.object({ responses: z.array(z.object({ title: z.string(), body: z.string() })) });
const statsSchema = z.object({ waiting: z.number(), active: z.number(), averageWaitMs: z.number(), agentsOnline: z.number(), visitorsOnline: z.number() });
const activeSchema = z.object({ active: z.array(z.object({ id: z.string(), visitorId: z.string(), visitorName: z.string(), assignedAgentId: z.nullable(z.string()), createdAt: z.number() })) });
const closedSchema = z.object({
  closed: z.array(z.object({ id: z.string(), visitorId: z.string(), visitorName: z.string(), assignedAgentId: z.nullable(z.string()), createdAt: z.number(), endedAt: z.number() })),
  next: z.nullable(z.object({ beforeEnded: z.number(), beforeId: z.string() })),
});
const joinSchema = z.object({ room: z.string() });
const sessionActionsSchema = z.object({ actions: z.array(z.string()) });

/**
 * The agent's inbox: three panes — conversations (Waiting, Mine, Team, Closed), the open
 * conversation, and the visitor it is with — above the live visitor list (invite from there).
 * Supervisors also see live statistics, and join a colleague's chat from the Team folder.
 */
export const chatsPage = definePage({
  path: "/console/chats",
  title: "Chats",
  access: { action: "chat:handle" },
  nav: { label: "Chats", section: "work", order: 10, description: "Answer waiting chats, see who is on the site, invite visitors." },
  render: async ({ viewer, signal, query }) => {
    const me = viewer.agent.id;
    const status = statusRegion();
    const { sites } = viewer.can("visitors:view") ? await api.get("/api/v1/chat/sites", sitesSchema) : { sites: [] };
    let site = query.get("site") ?? sites[0]?.id ?? "";
    const panes = new Map<string, ChatPane>();
    /** What may be attached, as the server announced it when the site was watched. */
    let fileLimits: ChatFileLimitsFrame | undefined;
    const names = new Map<string, string>([[me, "You"]]);
    /** The visitor beside the open conversation, from its own one-row query ("context"). */
    let contextVisitor: { id: string; entry: PresenceVisitor | undefined } | undefined;
    let openId: string | undefined;
    let dock: CobrowseDock | undefined;
    const statsArea = h("dl", { class: "facts chat-stats" });
    const middle = h("section", { class: "inbox-pane inbox-conversation", "aria-label": "Conversation" });
    const context = new VisitorContextPane();
    const list = new ConversationList({ me, open: (id) => open(id, true), agentName: (id) => names.get(id), loadOlderClosed: () => void loadClosed(true) });
    /** Where the next page of the Closed folder starts (null: nothing older). */
    let closedNext: z.infer<typeof closedSchema>["next"] = null;
    const views = new InboxViews();
    const invites = new InviteStatuses();

    const socket = new ChatSocket({
      signal,
      onOpen: () => {
        status.clear();
        if (site) socket.send({ kind: "watch-site", site });
        visitorList.send();
        followContext(true);
        for (const pane of panes.values()) resume(pane);
      },
      onDown: () => status.show("warning", "Connection lost: reconnecting…"),
      onFrame: (f) => onFrame(f),
    });

    const resume = (pane: ChatPane) => {
      const c = pane.info.conversation;
      socket.send({ kind: "chat-resume", conversation: c, afterSeq: pane.ledger.contiguousSeq });
      for (const m of pane.ledger.unacknowledged()) socket.send({ kind: "chat-send", conversation: c, ...m });
      // An attachment the connection loss interrupted starts again.
      pane.uploads.reconnected();
    };

    const loadNames = async () => {
      if (!site) return;
      const { agents } = await api.get(`/api/v1/chat/agents?site=${encodeURIComponent(site)}`, agentsSchema).catch(() => ({ agents: [] }));
      for (const a of agents) if (a.id !== me) names.set(a.id, a.name);
    };

    const paneActions = {
      send: (conversation: string, clientId: string, text: string) => void socket.send({ kind: "chat-send", conversation, clientId, text }),
      typing: (conversation: string, typing: boolean) => void socket.send({ kind: "chat-typing", conversation, typing }),
      end: (conversation: string) => void socket.send({ kind: "chat-end", conversation }),
      transfer: (conversation: string, to: string, note: string) =>
        void socket.send({
          kind: "chat-transfer",
          conversation,
          ...(to.startsWith(TEAM_CHOICE) ? { team: to.slice(TEAM_CHOICE.length) } : { to }),
          ...(note ? { note: { clientId: newClientId(), text: note } } : {}),
        }),
      colleagues: async () => {
        const { agents, teams } = await api.get(`/api/v1/chat/agents?site=${encodeURIComponent(site)}`, agentsSchema);
        return [...agents.filter((a) => a.id !== me), ...(teams ?? []).map((t) => ({ id: `${TEAM_CHOICE}${t.id}`, name: `${t.name} team (back to its queue)` }))];
      },
      cannedResponses: async () => (await api.get("/api/v1/chat/canned-responses", cannedSchema)).responses,
      mayCobrowse: async (visitor: string) =>
        (await api.get(`/api/v1/cobrowse/sessions/${encodeURIComponent(visitor)}`, sessionActionsSchema)).actions.length > 0,
      // The viewer docks beside the conversation: every chat keeps running alongside.
      startCobrowse: async (visitor: string) => {
        const { room: session } = await api.post(`/api/v1/cobrowse/sessions/${encodeURIComponent(visitor)}/join`, {}, joinSchema);
        openDock(session, visitor);
      },
      agentName: (id: string) => names.get(id),
      myName: () => viewer.agent.name || viewer.agent.subject,
      sendFile: (frame: FileStartFrame | FileChunkFrame) => socket.send(frame),
      fileLimits: () => fileLimits,
    };

    const openDock = (session: string, visitor: string) => {
      dock?.close();
      const conversations = () => list.all().filter((c) => c.visitor === visitor);
      const visitorName = conversations()[0]?.visitorName ?? "the visitor";
      const opened: CobrowseDock = new CobrowseDock({
        room: session,
        visitorName,
        onEvent: (text) => conversations().forEach((c) => panes.get(c.id)?.event(text)),
        onClose: () => {
          if (dock !== opened) return;
          dock = undefined;
          context.setCobrowseDocked(false);
          views.setSide(context.element, false);
          showContext();
        },
      });
      dock = opened;
      context.setCobrowseDocked(true);
      views.setSide(opened.element, true);
      // Narrow windows show one pane at a time: the viewer's; wider ones keep the chat beside it.
      views.show(window.matchMedia("(max-width: 1199px)").matches ? "context" : "conversation");
    };
    signal.addEventListener("abort", () => dock?.close());

    const paneFor = (c: InboxConversation): ChatPane => {
      let pane = panes.get(c.id);
      if (!pane) {
        pane = new ChatPane({ conversation: c.id, visitor: c.visitor, visitorName: c.visitorName, site: c.site, siteName: sites.find((known) => known.id === c.site)?.name ?? c.site, mine: c.assignedAgent === me }, paneActions, viewer.can("chat:transfer"));
        panes.set(c.id, pane);
        resume(pane);
      }
      return pane;
    };

    /** Shows a conversation in the middle pane (its chat, or what the agent can do with it). */
    const open = (id: string, byAgent: boolean) => {
      const c = list.get(id);
      if (!c) return;
      openId = id;
      list.markOpen(id);
      const pane = panes.get(id);
      if (pane) {
        replaceChildren(middle, pane.element);
        if (byAgent) pane.focus();
      } else {
        replaceChildren(middle, placeholderFor(c));
        // From the keyboard: Enter on a waiting row, Enter again accepts.
        if (byAgent) middle.querySelector<HTMLButtonElement>(".inbox-card-actions button")?.focus();
      }
      showContext();
      if (byAgent) views.show("conversation");
    };

    const placeholderFor = (c: InboxConversation): HTMLElement => {
      const card = (text: string, ...actions: (HTMLElement | null)[]) =>
        h("article", { class: "inbox-card", "aria-label": c.visitorName }, h("h2", {}, c.visitorName), h("p", {}, text), h("div", { class: "inbox-card-actions" }, ...actions));
      switch (folderOf(c, me)) {
        case "waiting":
          return card(
            c.state === "offline" ? `${c.visitorName} left an offline message.` : `${c.visitorName} is waiting for an agent.`,
            h("button", { type: "button", class: "button primary", on: { click: () => socket.send({ kind: "chat-accept", conversation: c.id }) } }, "Accept"),
          );
        case "team":
          return card(
            `${c.visitorName} is talking with ${names.get(c.assignedAgent ?? "") ?? "a colleague"}.`,
            viewer.can("chat:supervise") ? h("button", { type: "button", class: "button primary", on: { click: () => join(c) } }, "Join") : null,
          );
        default:
          // Whoever may read transcripts goes on to this one (the read is audited there).
          return card(
            "This conversation has ended.",
            viewer.can("chatlog:read") ? h("a", { class: "button secondary", href: `/console/transcripts/${encodeURIComponent(c.id)}` }, "Read the transcript") : null,
          );
      }
    };

    const join = (c: InboxConversation) => {
      socket.send({ kind: "chat-join", conversation: c.id });
      list.upsert({ ...c, joined: true });
      paneFor(c).event("You joined the conversation");
      open(c.id, true);
    };

    const showContext = () => {
      const c = openId ? list.get(openId) : undefined;
      followContext(false);
      context.show(c?.visitorName ?? "", c && contextVisitor?.id === c.visitor ? contextVisitor.entry : undefined);
    };

    /** Follows the open conversation's visitor with a one-row query (the list's page may not show them). */
    const followContext = (again: boolean) => {
      const c = openId ? list.get(openId) : undefined;
      const wanted = c?.visitor && c.site ? c.visitor : undefined;
      if (!again && wanted === contextVisitor?.id) return;
      if (!wanted || !c) {
        if (contextVisitor) socket.send({ kind: "visitors-stop", query: "context" });
        contextVisitor = undefined;
        return;
      }
      if (wanted !== contextVisitor?.id) contextVisitor = { id: wanted, entry: undefined };
      socket.send({ kind: "visitors-query", query: "context", filter: { sites: [c.site], visitor: wanted, sort: { by: "startedAt", order: "asc" }, offset: 0, limit: 1 } });
    };

    /** With nothing open, the oldest waiting chat (else one of the agent's own, else the team's) opens by itself. */
    const openSomething = () => {
      if (openId && list.get(openId)) return;
      const order = ["waiting", "mine", "team"] as const;
      const all = list.all().sort((a, b) => a.createdAt - b.createdAt);
      for (const folder of order) {
        const first = all.find((c) => folderOf(c, me) === folder);
        if (first) return open(first.id, false);
      }
    };

    const visitorList = new VisitorList({
      send: (query, filter) => void socket.send({ kind: "visitors-query", query, filter }),
      chatText: (v) => invites.describe(v),
      action: (v) => inviteButton(v),
    });
    const renderVisitors = () => visitorList.render();

    // Invite, and invite again once the visitor declined or let it pass (where it stands shows in the Chat column).
    const inviteButton = (v: PresenceVisitor) => {
      const label = viewer.can("chat:invite") ? invites.inviteLabel(v) : undefined;
      return label ? h("button", { type: "button", class: "button secondary small", on: { click: () => socket.send({ kind: "chat-invite", site, visitor: v.visitor }) } }, label) : null;
    };

    const eventText = (f: ChatConversationFrame, before: InboxConversation | undefined): string | undefined => {
      const who = (id: string | null | undefined) => (id ? (names.get(id) ?? "A colleague") : "An agent");
      switch (f.change) {
        case "accepted":
          return f.assignedAgent === me ? "You accepted the chat" : `${who(f.assignedAgent)} accepted the chat`;
        case "transferred":
          if (f.assignedAgent === me) return `${who(before?.assignedAgent)} handed the chat to you`;
          return `Handed to ${who(f.assignedAgent)}`;
        case "ended":
          return "The chat ended";
        default:
          return undefined;
      }
    };

    const onConversation = async (f: ChatConversationFrame) => {
      if (f.change === "erased") return;
      const before = list.get(f.conversation);
      if (f.assignedAgent && !names.has(f.assignedAgent)) await loadNames();
      const c: InboxConversation = {
        id: f.conversation,
        visitor: f.visitor ?? before?.visitor ?? "",
        visitorName: f.visitorName ?? before?.visitorName ?? "Visitor",
        site: f.site ?? before?.site ?? site,
        state: f.state,
        assignedAgent: f.assignedAgent !== undefined ? f.assignedAgent : (before?.assignedAgent ?? null),
        createdAt: f.createdAt ?? before?.createdAt ?? Date.now(),
        joined: (before?.joined ?? false) && f.change !== "transferred",
        ...(f.state === "ended" ? { endedAt: before?.endedAt ?? Date.now() } : {}),
      };
      list.upsert(c);
      const mineNow = c.state === "active" && c.assignedAgent === me;
      if (mineNow) paneFor(c).setState("active");
      const pane = panes.get(c.id);
      const text = eventText(f, before);
      if (pane && text && before?.state !== "ended") pane.event(text);
      if (f.change === "transferred" && pane && c.assignedAgent !== me) pane.setState("transferred");
      if (c.state === "ended") pane?.setState("ended");
      // Accepted here, or handed to this agent: the chat comes up in the middle pane.
      // A visitor who accepted this agent's invitation comes up at once, whatever is open.
      const invited = f.change === "accepted" && mineNow && invites.takeAccepted(c.visitor);
      if (mineNow && (f.change === "accepted" || f.change === "transferred") && (invited || !openId || openId === c.id || !panes.has(openId))) open(c.id, invited || (f.change === "accepted" && openId === c.id));
      else if (openId === c.id) open(c.id, false);
      openSomething();
      void refreshSupervision();
    };

    const onFrame = (f: ChatServerFrame) => {
      switch (f.kind) {
        case "chat-conversation":
          return void onConversation(f);
        case "chat-message":
          return panes.get(f.conversation)?.receive(f);
        case "chat-ack":
          return panes.get(f.conversation)?.acknowledged(f.clientId);
        case "chat-typing":
          return panes.get(f.conversation)?.showTyping(f.typing);
        case "chat-file-limits":
          fileLimits = f;
          return panes.forEach((p) => p.setFileLimits());
        case "chat-file-progress":
          return panes.get(f.conversation)?.fileProgress(f);
        case "visitors-page":
        case "visitors-change":
          if (f.query === "context") {
            const entry = f.kind === "visitors-page" ? f.rows[0] : (f.rows[0] ?? contextVisitor?.entry);
            if (contextVisitor && (f.kind === "visitors-page" || entry?.visitor === contextVisitor.id)) contextVisitor.entry = entry;
            return showContext();
          }
          return visitorList.receive(f);
        case "chat-invite-status":
          invites.update(f);
          if (f.site === site) renderVisitors();
          return;
        case "chat-error":
          // An attachment refused (infected, too large, of a refused type…): its bubble says why.
          for (const p of panes.values()) if (p.fileRefused(f.ref, f.code, f.message)) return;
          // Refused for load: send what is unacknowledged again a little later (same client ids).
          if (f.code === "rate_limited") setTimeout(() => panes.forEach((p) => p.ledger.unacknowledged().forEach((m) => socket.send({ kind: "chat-send", conversation: p.info.conversation, ...m }))), 1_000);
          return status.error(f);
        default:
          return;
      }
    };

    // The Closed folder starts with the chats that ended before the page opened (from the server,
    // a page at a time); chats that end while it is open join it live.
    const loadClosed = async (older: boolean) => {
      if (!site || (older && !closedNext)) return;
      const from = site;
      const cursor = older && closedNext ? `&beforeEnded=${closedNext.beforeEnded}&beforeId=${encodeURIComponent(closedNext.beforeId)}` : "";
      try {
        const page = await api.get(`/api/v1/chat/closed?site=${encodeURIComponent(from)}${cursor}`, closedSchema);
        if (from !== site) return;
        for (const c of page.closed) {
          if (list.get(c.id)) continue;
          list.upsert({ id: c.id, visitor: c.visitorId, visitorName: c.visitorName, site: from, state: "ended", assignedAgent: c.assignedAgentId, createdAt: c.createdAt, joined: true, endedAt: c.endedAt });
        }
        closedNext = page.next;
        list.setOlderClosed(closedNext !== null);
      } catch (err) {
        status.error(err);
      }
    };

    const refreshSupervision = async () => {
      if (!site || signal.aborted) return;
      try {
        if (viewer.can("stats:view")) {
          const s = await api.get(`/api/v1/chat/stats?site=${encodeURIComponent(site)}`, statsSchema);
          const fact = (k: string, v: string) => [h("dt", {}, k), h("dd", {}, v)];
          replaceChildren(statsArea, fact("Waiting", String(s.waiting)), fact("Active", String(s.active)), fact("Average wait", formatDuration(s.averageWaitMs)), fact("Agents online", String(s.agentsOnline)), fact("Visitors online", String(s.visitorsOnline)));
        }
        if (viewer.can("chat:supervise")) {
          // The site's chats in progress fill the Team folder (a supervisor joins from there).
          const { active } = await api.get(`/api/v1/chat/active?site=${encodeURIComponent(site)}`, activeSchema);
          if (active.some((c) => c.assignedAgentId && !names.has(c.assignedAgentId))) await loadNames();
          for (const a of active) {
            const known = list.get(a.id);
            if (known && known.state !== "active") continue;
            if (!known || known.assignedAgent !== a.assignedAgentId) {
              list.upsert({ id: a.id, visitor: a.visitorId, visitorName: a.visitorName, site, state: "active", assignedAgent: a.assignedAgentId, createdAt: a.createdAt, joined: known?.joined ?? false });
            }
          }
          openSomething();
        }
      } catch (err) {
        status.error(err);
      }
    };
    void loadNames().then(() => refreshSupervision());
    void loadClosed(false);
    const supervision = setInterval(() => void refreshSupervision(), 10_000);
    // Waits and time on site move every second.
    const clock = setInterval(() => (list.render(), context.tick()), 1_000);
    // Time on site in the visitor list moves by the minute.
    const visitorClock = setInterval(() => visitorList.render(), 30_000);
    signal.addEventListener("abort", () => clearInterval(visitorClock));
    signal.addEventListener("abort", () => (clearInterval(supervision), clearInterval(clock)));

    const siteSelect = h(
      "select",
      {
        "aria-label": "Site",
        on: {
          change: () => {
            site = siteSelect.value;
            list.clear();
            openId = undefined;
            replaceChildren(middle, emptyConversation());
            socket.send({ kind: "watch-site", site });
            closedNext = null;
            visitorList.setSite(site);
            void loadNames().then(() => refreshSupervision());
            void loadClosed(false);
          },
        },
      },
      sites.map((s) => h("option", { value: s.id, ...(s.id === site ? { selected: true } : {}) }, s.name)),
    );
    replaceChildren(middle, emptyConversation());
    visitorList.setSite(site);
    const workspace = views.wrap(list.element, middle, context.element);
    return h(
      "section",
      { class: "chats-page inbox-page" },
      pageHeader("Chats", undefined, sites.length > 0 ? h("label", { class: "inline-field" }, "Site ", siteSelect) : null),
      status.el,
      views.switcher,
      workspace,
      viewer.can("stats:view") ? h("section", { class: "panel" }, h("h2", {}, "Live statistics"), statsArea) : null,
      h("section", { class: "panel inbox-visitors" }, h("h2", {}, "Visitors on the site"), visitorList.element),
    );
  },
});

function emptyConversation(): HTMLElement {
  return h("div", { class: "inbox-card inbox-card-empty" }, h("h2", {}, "No conversation open"), h("p", { class: "hint" }, "Waiting chats open here. Choose one in the list, or use ↑ and ↓ there and press Enter."));
}
