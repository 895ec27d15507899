import * as z from "zod/mini";
import { api } from "../api.js";
import { formatTime } from "../components/format.js";
import { statusRegion } from "../components/notice.js";
import { pageHeader } from "../components/page-header.js";
import { h, replaceChildren } from "../dom.js";
import { definePage } from "./page.js";

const conversation = z.object({
  id: z.string(),
  siteId: z.string(),
  visitorId: z.string(),
  state: z.string(),
  assignedAgentId: z.nullable(z.string()),
  createdAt: z.number(),
  endedAt: z.nullable(z.number()),
});
const searchSchema = z.object({ conversations: z.array(conversation) });
const transcriptSchema = z.object({
  conversation,
  handlers: z.array(z.string()),
  messages: z.array(z.object({ seq: z.number(), sender: z.string(), senderId: z.nullable(z.string()), kind: z.string(), text: z.string(), at: z.number() })),
});

/** Auditors search stored conversations by metadata; opening one reads it (and that read is audited). */
export const transcriptsPage = definePage({
  path: "/console/transcripts",
  title: "Transcripts",
  access: { action: "chatlog:read" },
  nav: { label: "Transcripts", section: "review", order: 10, description: "Search stored chats by site, agent, visitor and date; every read is audited." },
  render: ({ navigate, query, signal }) => {
    const status = statusRegion();
    const field = (name: string, label: string, type = "text") => h("label", { class: "inline-field" }, label, h("input", { name, type, value: query.get(name) ?? "" }));
    const body = h("tbody");
    const form = h("form", { class: "transcript-search", on: { submit: (e: SubmitEvent) => (e.preventDefault(), void search()) } }, field("site", "Site"), field("agent", "Agent id"), field("visitor", "Visitor id"), field("from", "From", "date"), field("to", "To", "date"), h("button", { type: "submit", class: "button" }, "Search"));
    const search = async () => {
      const params = new URLSearchParams();
      for (const [k, v] of new FormData(form)) {
        if (typeof v !== "string" || !v) continue;
        params.set(k, k === "from" || k === "to" ? String(Date.parse(`${v}T00:00:00Z`) + (k === "to" ? 86_400_000 : 0)) : v);
      }
      try {
        const { conversations } = await api.get(`/api/v1/transcripts?${params.toString()}`, searchSchema);
        if (signal.aborted) return;
        replaceChildren(
          body,
          conversations.length === 0
            ? h("tr", {}, h("td", { colspan: 5 }, "No conversations match."))
            : conversations.map((c) =>
                h(
                  "tr",
                  {},
                  h("td", {}, formatTime(c.createdAt)),
                  h("td", {}, c.siteId),
                  h("td", {}, c.visitorId),
                  h("td", {}, c.state),
                  h("td", { class: "actions-cell" }, h("button", { type: "button", class: "button secondary small", on: { click: () => navigate(`/console/transcripts/${c.id}`) } }, "Read")),
                ),
              ),
        );
      } catch (err) {
        status.error(err);
      }
    };
    void search();
    return h(
      "section",
      {},
      pageHeader("Transcripts", "Search finds conversations by their metadata only; reading one is recorded in the audit trail."),
      status.el,
      h("section", { class: "panel" }, form),
      h(
        "div",
        { class: "table-wrap" },
        h("table", { class: "data-table" }, h("caption", { class: "visually-hidden" }, "Conversations"), h("thead", {}, h("tr", {}, ["Started", "Site", "Visitor", "State", h("span", { class: "visually-hidden" }, "Actions")].map((c) => h("th", { scope: "col" }, c)))), body),
      ),
    );
  },
});

export const transcriptPage = definePage({
  path: "/console/transcripts/:id",
  title: "Transcript",
  access: { action: "chatlog:read" },
  render: async ({ params }) => {
    const status = statusRegion();
    try {
      const t = await api.get(`/api/v1/transcripts/${encodeURIComponent(params.id ?? "")}`, transcriptSchema);
      const who = (m: { sender: string; senderId: string | null; kind: string }) => (m.kind === "note" ? "Transfer note" : m.sender === "visitor" ? "Visitor" : `Agent ${m.senderId ?? ""}`);
      return h(
        "section",
        {},
        pageHeader("Transcript", `Site ${t.conversation.siteId} · visitor ${t.conversation.visitorId} · started ${formatTime(t.conversation.createdAt)}`),
        h("p", { class: "hint" }, `Handled by: ${t.handlers.join(", ") || "nobody"}. This read has been recorded in the audit trail.`),
        h(
          "ol",
          { class: "transcript", "aria-label": "Messages" },
          t.messages.map((m) => h("li", { class: `transcript-${m.sender}` }, h("span", { class: "chat-who" }, `${formatTime(m.at)} · ${who(m)}`), h("p", { class: "transcript-text" }, m.text))),
        ),
      );
    } catch (err) {
      status.error(err);
      return h("section", {}, pageHeader("Transcript"), status.el);
    }
  },
});
