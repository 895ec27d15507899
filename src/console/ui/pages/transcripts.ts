import * as z from "zod/mini";
import { displayFileName, fileTypeLabel, formatFileSize } from "../../../protocol/file-display.js";
import { api } from "../api.js";
import { formatTime } from "../components/format.js";
import { field, select } from "../components/form.js";
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
  acceptedAt: z.optional(z.nullable(z.number())),
  endedAt: z.nullable(z.number()),
});
const searchSchema = z.object({
  sites: z.array(z.object({ id: z.string(), name: z.string() })),
  conversations: z.array(z.extend(conversation, { visitorName: z.string(), siteName: z.string(), agents: z.array(z.string()) })),
});
const participant = z.object({ agentId: z.string(), name: z.string(), role: z.enum(["handler", "supervisor"]), joinedAt: z.number() });
const transcriptSchema = z.object({
  conversation,
  visitorName: z.string(),
  siteName: z.string(),
  participants: z.array(participant),
  messages: z.array(z.object({ seq: z.number(), sender: z.string(), senderId: z.nullable(z.string()), kind: z.string(), text: z.string(), at: z.number() })),
  cobrowse: z.array(z.object({ at: z.number(), kind: z.enum(["started", "joined", "mode", "ended"]), agentName: z.optional(z.string()), mode: z.optional(z.string()), reason: z.optional(z.string()) })),
});

/** Why a co-browse session ended, as the transcript says it (about people, not to them). */
const cobrowseEndText: Readonly<Record<string, string>> = {
  visitor_ended: "the visitor stopped sharing",
  agent_left: "the agent left",
  agent_away: "the agent was away too long",
  session_limit: "it reached the longest time allowed",
  visitor_gone: "the visitor left the site",
  consent_revoked: "the visitor withdrew consent",
  server_shutdown: "Airlock restarted",
  protocol_violation: "the visitor's page sent something Airlock refused",
};

function cobrowseText(e: Transcript["cobrowse"][number]): string {
  switch (e.kind) {
    case "started":
      return "Co-browse started (the visitor shared their page)";
    case "joined":
      return `${e.agentName ?? "An agent"} watched the visitor's page`;
    case "mode":
      return e.mode === "control" ? "The visitor let the agent control the page" : "Co-browse went back to view only";
    case "ended": {
      const why = Object.hasOwn(cobrowseEndText, e.reason ?? "") ? cobrowseEndText[e.reason ?? ""] : undefined;
      return why ? `Co-browse ended: ${why}` : "Co-browse ended";
    }
  }
}
type Transcript = z.infer<typeof transcriptSchema>;

/** The filters this page understands, as query parameters (the back link of a transcript returns to them). */
const FILTERS = ["site", "agentName", "visitor", "from", "to"] as const;

const stateLabel: Readonly<Record<string, string>> = { queued: "Waiting", active: "In progress", ended: "Ended", offline: "Offline message" };
const clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

function timeEl(at: number, text: string): HTMLElement {
  return h("time", { datetime: new Date(at).toISOString() }, text);
}

/** Local midnight of a yyyy-mm-dd date field, in epoch ms (the end of the day for `to`). */
function dayBoundary(value: string, end: boolean): number {
  const start = new Date(`${value}T00:00:00`).getTime();
  return end ? start + 86_400_000 : start;
}

/** Auditors search stored conversations by metadata; opening one reads it (and that read is audited). */
export const transcriptsPage = definePage({
  path: "/console/transcripts",
  title: "Transcripts",
  access: { action: "chatlog:read" },
  nav: { label: "Transcripts", section: "review", order: 10, description: "Search stored chats by date, site, agent and visitor; every read is audited." },
  render: async ({ navigate, query, signal }) => {
    const status = statusRegion();
    const siteSelect = select("site", [["", "All sites"]], query.get("site") ?? "");
    const input = (name: string, type = "text") => h("input", { name, type, value: query.get(name) ?? "", autocomplete: "off" });
    const agentName = input("agentName");
    const visitor = input("visitor");
    const from = input("from", "date");
    const to = input("to", "date");
    const form = h(
      "form",
      { class: "panel filters-panel", role: "search", "aria-label": "Search transcripts" },
      h(
        "div",
        { class: "form-grid" },
        field("Site", siteSelect),
        field("Agent name", agentName),
        field("Visitor id", visitor),
        field("From", from),
        field("To", to),
      ),
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "submit", class: "button primary" }, "Search"),
        h("a", { class: "button secondary", href: "/console/transcripts" }, "Clear filters"),
      ),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const params = new URLSearchParams();
      for (const [k, v] of new FormData(form)) if (typeof v === "string" && v.trim()) params.set(k, v.trim());
      navigate(`/console/transcripts${params.size ? `?${params.toString()}` : ""}`);
    });

    const body = h("tbody");
    const summary = h("p", { class: "hint", "aria-live": "polite" });
    // The search as the server takes it: dates become local day boundaries.
    const apiParams = new URLSearchParams();
    const back = new URLSearchParams();
    for (const k of FILTERS) {
      const v = query.get(k)?.trim();
      if (!v) continue;
      back.set(k, v);
      apiParams.set(k, k === "from" || k === "to" ? String(dayBoundary(v, k === "to")) : v);
    }
    try {
      const { sites, conversations } = await api.get(`/api/v1/transcripts?${apiParams.toString()}`, searchSchema);
      if (signal.aborted) return h("div");
      replaceChildren(siteSelect, [["", "All sites"], ...sites.map((s) => [s.id, s.name])].map(([v, l]) => h("option", { value: v }, l)));
      siteSelect.value = query.get("site") ?? "";
      summary.textContent = conversations.length === 1 ? "1 conversation, newest first." : `${conversations.length} conversations, newest first.`;
      const backQuery = back.size ? `?back=${encodeURIComponent(back.toString())}` : "";
      replaceChildren(
        body,
        conversations.length === 0
          ? h("tr", {}, h("td", { colspan: 6, class: "hint" }, "No conversations match these filters."))
          : conversations.map((c) =>
              h(
                "tr",
                { "data-conversation": c.id },
                h("td", { class: "nowrap" }, timeEl(c.createdAt, formatTime(c.createdAt))),
                h("td", {}, h("div", { class: "strong" }, c.visitorName)),
                h("td", {}, c.siteName),
                h("td", {}, c.agents.length ? c.agents.join(", ") : h("span", { class: "hint" }, "Nobody")),
                h("td", {}, stateLabel[c.state] ?? c.state),
                h("td", { class: "actions-cell" }, h("a", { class: "button secondary small", href: `/console/transcripts/${encodeURIComponent(c.id)}${backQuery}`, "aria-label": `Read the chat with ${c.visitorName} of ${formatTime(c.createdAt)}` }, "Read")),
              ),
            ),
      );
    } catch (err) {
      status.error(err, "The search did not run.");
    }
    return h(
      "div",
      { class: "page" },
      pageHeader("Transcripts", "Search finds conversations by their metadata only; reading one is recorded in the audit trail."),
      form,
      status.el,
      summary,
      h(
        "div",
        { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Conversations found (scrolls sideways on a narrow window)" },
        h(
          "table",
          { class: "data-table" },
          h("caption", { class: "visually-hidden" }, "Conversations"),
          h("thead", {}, h("tr", {}, ["Started", "Visitor", "Site", "Agents", "State", h("span", { class: "visually-hidden" }, "Actions")].map((c) => h("th", { scope: "col" }, c)))),
          body,
        ),
      ),
    );
  },
});

interface TimelineEntry {
  readonly at: number;
  readonly node: HTMLElement;
}

/** Messages and what happened around them (requested, accepted, transferred, joined, co-browse, ended), in time order. */
function timeline(t: Transcript): TimelineEntry[] {
  const nameOf = new Map(t.participants.map((p) => [p.agentId, p.name]));
  const event = (at: number, text: string): TimelineEntry => ({ at, node: h("li", { class: "transcript-event" }, h("span", {}, text), " ", timeEl(at, clock.format(at))) });
  const entries: TimelineEntry[] = [event(t.conversation.createdAt, t.conversation.state === "offline" ? `${t.visitorName} left an offline message` : `${t.visitorName} asked for a chat`)];
  let handlers = 0;
  for (const p of t.participants) {
    if (p.role === "supervisor") entries.push(event(p.joinedAt, `${p.name} joined as supervisor`));
    else entries.push(event(p.joinedAt, handlers++ === 0 ? `${p.name} accepted the chat` : `The chat was transferred to ${p.name}`));
  }
  for (const m of t.messages) {
    const who = m.kind === "note" ? `Transfer note from ${nameOf.get(m.senderId ?? "") ?? "an agent"}` : m.kind === "form" ? `Offline message from ${t.visitorName}` : m.sender === "visitor" ? t.visitorName : m.sender === "agent" ? (nameOf.get(m.senderId ?? "") ?? "Agent") : "Airlock";
    entries.push({
      at: m.at,
      node: h(
        "li",
        { class: `transcript-message transcript-${m.sender}${m.kind === "note" ? " transcript-note" : ""}` },
        h("div", { class: "transcript-meta" }, h("span", { class: "transcript-who" }, who), " ", timeEl(m.at, clock.format(m.at))),
        h("p", { class: "transcript-text" }, m.kind === "file" ? fileLine(m.text) : m.text),
      ),
    });
  }
  for (const e of t.cobrowse) entries.push({ at: e.at, node: h("li", { class: "transcript-event transcript-cobrowse" }, h("span", {}, cobrowseText(e)), " ", timeEl(e.at, clock.format(e.at))) });
  if (t.conversation.endedAt !== null) entries.push(event(t.conversation.endedAt, "The chat ended"));
  // Stable: an event and a message at the same millisecond keep the order built above.
  return entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i).map(({ e }) => e);
}

export const transcriptPage = definePage({
  path: "/console/transcripts/:id",
  title: "Transcript",
  access: { action: "chatlog:read" },
  render: async ({ params, query }) => {
    // Back to the search the auditor came from (only the known filters are carried over).
    const carried = new URLSearchParams(query.get("back") ?? "");
    const back = new URLSearchParams();
    for (const k of FILTERS) {
      const v = carried.get(k);
      if (v) back.set(k, v);
    }
    const backLink = h("a", { class: "back-link", href: `/console/transcripts${back.size ? `?${back.toString()}` : ""}` }, "← Back to transcripts");
    const status = statusRegion();
    try {
      const t = await api.get(`/api/v1/transcripts/${encodeURIComponent(params.id ?? "")}`, transcriptSchema);
      const handlers = [...new Set(t.participants.filter((p) => p.role === "handler").map((p) => p.name))];
      const supervisors = [...new Set(t.participants.filter((p) => p.role === "supervisor").map((p) => p.name))];
      const fact = (k: string, v: HTMLElement | string) => [h("dt", {}, k), h("dd", {}, v)];
      return h(
        "div",
        { class: "page" },
        backLink,
        pageHeader(`Chat with ${t.visitorName}`, "This read has been recorded in the audit trail."),
        h(
          "section",
          { class: "panel", "aria-label": "About this conversation" },
          h(
            "dl",
            { class: "facts" },
            fact("Site", t.siteName),
            fact("Started", timeEl(t.conversation.createdAt, formatTime(t.conversation.createdAt))),
            fact("Ended", t.conversation.endedAt === null ? (stateLabel[t.conversation.state] ?? t.conversation.state) : timeEl(t.conversation.endedAt, formatTime(t.conversation.endedAt))),
            fact("Handled by", handlers.join(", ") || "Nobody"),
            supervisors.length > 0 && fact("Supervised by", supervisors.join(", ")),
            fact("Visitor id", h("code", {}, t.conversation.visitorId)),
          ),
        ),
        h("ol", { class: "transcript", "aria-label": "Conversation" }, timeline(t).map((e) => e.node)),
      );
    } catch (err) {
      status.error(err);
      return h("div", { class: "page" }, backLink, pageHeader("Transcript"), status.el);
    }
  },
});

/** An attachment message: its stored description (JSON from the server, read defensively) as one line; the file itself stays with the conversation's participants. */
function fileLine(json: string): string {
  try {
    const f = JSON.parse(json) as { name?: unknown; size?: unknown; type?: unknown };
    const name = typeof f.name === "string" ? displayFileName(f.name) : "a file";
    const details = [typeof f.type === "string" ? fileTypeLabel(f.type) : "", typeof f.size === "number" ? formatFileSize(f.size) : ""].filter(Boolean).join(", ");
    return `Sent a file: ${name}${details ? ` (${details})` : ""}`;
  } catch {
    return "Sent a file";
  }
}
