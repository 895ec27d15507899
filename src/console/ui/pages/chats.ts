import * as z from "zod/mini";
import { newClientId } from "../../../protocol/chat-ledger.js";
import type { ChatConversationFrame, ChatServerFrame, PresenceVisitor } from "../../../protocol/chat-frames.js";
import { api } from "../api.js";
import { ChatPane } from "../chat/chat-pane.js";
import { ChatSocket } from "../chat/chat-socket.js";
import { formatDuration } from "../components/format.js";
import { statusRegion } from "../components/notice.js";
import { pageHeader } from "../components/page-header.js";
import { h, replaceChildren } from "../dom.js";
import { definePage } from "./page.js";

const sitesSchema = z.object({ sites: z.array(z.object({ id: z.string(), name: z.string() })) });
const agentsSchema = z.object({ agents: z.array(z.object({ id: z.string(), name: z.string() })) });
const cannedSchema = z.object({ responses: z.array(z.object({ title: z.string(), body: z.string() })) });
const statsSchema = z.object({ waiting: z.number(), active: z.number(), averageWaitMs: z.number(), agentsOnline: z.number(), visitorsOnline: z.number() });
const activeSchema = z.object({ active: z.array(z.object({ id: z.string(), visitorId: z.string(), visitorName: z.string(), assignedAgentId: z.nullable(z.string()) })) });
const joinSchema = z.object({ room: z.string() });
const sessionActionsSchema = z.object({ actions: z.array(z.string()) });

/**
 * The agent's workspace: the queue of waiting chats and offline messages, the live visitor list
 * (invite from there), several chats side by side; supervisors also see live statistics and the
 * chats in progress, which they can join.
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
    const queue = new Map<string, ChatConversationFrame>();
    const queueList = h("ul", { class: "chat-queue", "aria-label": "Waiting chats" });
    const visitorsBody = h("tbody");
    const paneArea = h("div", { class: "chat-panes" }, h("p", { class: "hint" }, "Accept a waiting chat to start."));
    const statsArea = h("dl", { class: "facts chat-stats" });
    const activeList = h("ul", { class: "chat-queue", "aria-label": "Chats in progress" });

    const socket = new ChatSocket({
      signal,
      onOpen: () => {
        status.clear();
        if (site) socket.send({ kind: "watch-site", site });
        for (const pane of panes.values()) resume(pane);
      },
      onDown: () => status.show("warning", "Connection lost: reconnecting…"),
      onFrame: (f) => onFrame(f),
    });

    const resume = (pane: ChatPane) => {
      const c = pane.info.conversation;
      socket.send({ kind: "chat-resume", conversation: c, afterSeq: pane.ledger.contiguousSeq });
      for (const m of pane.ledger.unacknowledged()) socket.send({ kind: "chat-send", conversation: c, ...m });
    };

    const openPane = (f: ChatConversationFrame, mine: boolean): ChatPane => {
      let pane = panes.get(f.conversation);
      if (!pane) {
        pane = new ChatPane({ conversation: f.conversation, visitor: f.visitor ?? "", visitorName: f.visitorName ?? "Visitor", site: f.site ?? site, mine }, paneActions, viewer.can("chat:transfer"));
        panes.set(f.conversation, pane);
        if (panes.size === 1) replaceChildren(paneArea);
        paneArea.append(pane.element);
        resume(pane);
        pane.focus();
      }
      return pane;
    };

    const paneActions = {
      send: (conversation: string, clientId: string, text: string) => void socket.send({ kind: "chat-send", conversation, clientId, text }),
      typing: (conversation: string, typing: boolean) => void socket.send({ kind: "chat-typing", conversation, typing }),
      end: (conversation: string) => void socket.send({ kind: "chat-end", conversation }),
      transfer: (conversation: string, to: string, note: string) =>
        void socket.send({ kind: "chat-transfer", conversation, to, ...(note ? { note: { clientId: newClientId(), text: note } } : {}) }),
      colleagues: async () => (await api.get(`/api/v1/chat/agents?site=${encodeURIComponent(site)}`, agentsSchema)).agents.filter((a) => a.id !== me),
      cannedResponses: async () => (await api.get("/api/v1/chat/canned-responses", cannedSchema)).responses,
      // The viewer opens in its own tab so this page keeps every chat running alongside.
      mayCobrowse: async (visitor: string) =>
        (await api.get(`/api/v1/cobrowse/sessions/${encodeURIComponent(visitor)}`, sessionActionsSchema)).actions.length > 0,
      startCobrowse: async (visitor: string) => {
        const { room } = await api.post(`/api/v1/cobrowse/sessions/${encodeURIComponent(visitor)}/join`, {}, joinSchema);
        window.open(`/console/cobrowse/${encodeURIComponent(room)}`, "_blank", "noopener");
      },
    };

    const renderQueue = () => {
      const items = [...queue.values()].sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0));
      replaceChildren(
        queueList,
        items.length === 0
          ? h("li", { class: "hint" }, "Nobody is waiting.")
          : items.map((c) =>
              h(
                "li",
                {},
                h("span", {}, `${c.state === "offline" ? "Offline message" : "Chat request"} · ${c.visitorName ?? "Visitor"}`),
                h("button", { type: "button", class: "button small", on: { click: () => socket.send({ kind: "chat-accept", conversation: c.conversation }) } }, "Accept"),
              ),
            ),
      );
    };

    const renderVisitors = (visitors: readonly PresenceVisitor[]) => {
      const now = Date.now();
      replaceChildren(
        visitorsBody,
        visitors.length === 0
          ? h("tr", {}, h("td", { colspan: 8 }, "No visitors on the site right now."))
          : visitors.map((v) =>
              h(
                "tr",
                {},
                h("th", { scope: "row" }, v.name),
                h("td", {}, h("span", { class: "chat-page-title" }, v.title || "(untitled)"), h("br"), h("span", { class: "hint" }, v.url)),
                h("td", {}, String(v.pagesViewed)),
                h("td", {}, v.referrer || "—"),
                h("td", {}, formatDuration(now - v.startedAt)),
                h("td", {}, v.chat),
                h("td", {}, v.cobrowse),
                h(
                  "td",
                  { class: "actions-cell" },
                  viewer.can("chat:invite") && (v.chat === "none" || v.chat === "ended")
                    ? h("button", { type: "button", class: "button secondary small", on: { click: () => socket.send({ kind: "chat-invite", site, visitor: v.visitor }) } }, "Invite to chat")
                    : null,
                ),
              ),
            ),
      );
    };

    const onConversation = (f: ChatConversationFrame) => {
      if (f.change === "queued" || f.change === "offline") queue.set(f.conversation, f);
      else queue.delete(f.conversation);
      renderQueue();
      const pane = panes.get(f.conversation);
      if ((f.change === "accepted" || f.change === "transferred") && f.assignedAgent === me) openPane(f, true).setState("active");
      else if (f.change === "transferred" && pane && f.assignedAgent !== me) pane.setState("transferred");
      if (f.state === "ended") pane?.setState("ended");
      void refreshSupervision();
    };

    const onFrame = (f: ChatServerFrame) => {
      switch (f.kind) {
        case "chat-conversation":
          return onConversation(f);
        case "chat-message":
          return panes.get(f.conversation)?.receive(f);
        case "chat-ack":
          return panes.get(f.conversation)?.acknowledged(f.clientId);
        case "chat-typing":
          return panes.get(f.conversation)?.showTyping(f.typing);
        case "presence":
          if (f.site === site) renderVisitors(f.visitors);
          return;
        case "chat-error":
          // Refused for load: send what is unacknowledged again a little later (same client ids).
          if (f.code === "rate_limited") setTimeout(() => panes.forEach((p) => p.ledger.unacknowledged().forEach((m) => socket.send({ kind: "chat-send", conversation: p.info.conversation, ...m }))), 1_000);
          return status.error(f);
        default:
          return;
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
          const { active } = await api.get(`/api/v1/chat/active?site=${encodeURIComponent(site)}`, activeSchema);
          const join = (id: string, visitor: string, visitorName: string) => {
            socket.send({ kind: "chat-join", conversation: id });
            openPane({ kind: "chat-conversation", conversation: id, state: "active", change: "joined", lastSeq: 0, site, visitor, visitorName }, false);
          };
          const joinable = active.filter((c) => c.assignedAgentId !== me && !panes.has(c.id));
          replaceChildren(
            activeList,
            joinable.length === 0
              ? h("li", { class: "hint" }, "No other chats in progress.")
              : joinable.map((c) =>
                  h("li", {}, h("span", {}, c.visitorName), h("button", { type: "button", class: "button secondary small", on: { click: () => join(c.id, c.visitorId, c.visitorName) } }, "Join")),
                ),
          );
        }
      } catch (err) {
        status.error(err);
      }
    };
    void refreshSupervision();
    const timer = setInterval(() => void refreshSupervision(), 10_000);
    signal.addEventListener("abort", () => clearInterval(timer));

    const siteSelect = h(
      "select",
      { "aria-label": "Site", on: { change: () => ((site = siteSelect.value), queue.clear(), renderQueue(), socket.send({ kind: "watch-site", site }), void refreshSupervision()) } },
      sites.map((s) => h("option", { value: s.id, ...(s.id === site ? { selected: true } : {}) }, s.name)),
    );
    renderQueue();
    renderVisitors([]);
    const visitorsTable = h(
      "table",
      { class: "data-table" },
      h("caption", { class: "visually-hidden" }, "Visitors on the site now"),
      h("thead", {}, h("tr", {}, ["Visitor", "Page", "Pages viewed", "Referrer", "Time on site", "Chat", "Co-browse", h("span", { class: "visually-hidden" }, "Actions")].map((c) => h("th", { scope: "col" }, c)))),
      visitorsBody,
    );
    return h(
      "section",
      { class: "chats-page" },
      pageHeader("Chats", "Waiting chats, live visitors and your conversations.", h("label", { class: "inline-field" }, "Site ", siteSelect)),
      status.el,
      h(
        "div",
        { class: "chat-layout" },
        h(
          "div",
          { class: "chat-side" },
          h("section", { class: "panel" }, h("h2", {}, "Waiting"), queueList),
          viewer.can("stats:view") ? h("section", { class: "panel" }, h("h2", {}, "Live statistics"), statsArea) : null,
          viewer.can("chat:supervise") ? h("section", { class: "panel" }, h("h2", {}, "Chats in progress"), activeList) : null,
        ),
        paneArea,
      ),
      h("section", { class: "panel" }, h("h2", {}, "Visitors on the site"), h("div", { class: "table-wrap" }, visitorsTable)),
    );
  },
});
