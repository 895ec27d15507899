import * as z from "zod/mini";
import { api } from "../api.js";
import { formatDuration } from "../components/format.js";
import { field, select } from "../components/form.js";
import { statusRegion } from "../components/notice.js";
import { pageHeader } from "../components/page-header.js";
import { h, replaceChildren } from "../dom.js";
import { definePage } from "./page.js";

const supervisionSchema = z.object({
  site: z.nullable(z.string()),
  sites: z.array(z.object({ id: z.string(), name: z.string() })),
  stats: z.nullable(z.object({ waiting: z.number(), active: z.number(), averageWaitMs: z.number(), agentsOnline: z.number(), visitorsOnline: z.number() })),
  waiting: z.array(z.object({ id: z.string(), visitorName: z.string(), state: z.string(), waitingMs: z.number() })),
  agents: z.array(z.object({ id: z.string(), name: z.string(), online: z.boolean(), activeNow: z.number(), handledSince: z.number() })),
  teams: z.optional(z.array(z.object({ id: z.string(), name: z.string(), waiting: z.number(), longestWaitMs: z.number(), open: z.boolean() }))),
});
type Supervision = z.infer<typeof supervisionSchema>;

const REFRESH_EVERY_MS = 10_000;

/** How long someone has waited, in words a glance reads ("under a minute", "4 minutes"). */
function waited(ms: number): string {
  return ms < 60_000 ? "under a minute" : formatDuration(ms);
}

/** The same for a figure tile, short enough for one line ("<1 min", "12 min", "2 h"). */
function waitedShort(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return "<1 min";
  return minutes < 60 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

function statTile(label: string, value: string, testId: string): HTMLElement {
  return h("div", { class: "stat", "data-testid": testId }, h("dt", {}, label), h("dd", {}, value));
}

/** A data table; columns named in `numeric` are right-aligned figures. */
function table(caption: string, columns: readonly string[], rows: HTMLElement[], empty: string, numeric: readonly string[] = []): HTMLElement {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "data-table" },
      h("caption", { class: "visually-hidden" }, caption),
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: numeric.includes(c) ? "num" : undefined }, c)))),
      h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: columns.length, class: "hint" }, empty))),
    ),
  );
}

/** Supervisors and admins watch a site's queue and each agent's day; it refreshes while open. */
export const queuePage = definePage({
  path: "/console/queue",
  title: "Queue and agents",
  access: { action: "stats:view" },
  nav: { label: "Queue and agents", section: "work", order: 40, description: "Watch who is waiting, for how long, and what each agent is doing today." },
  render: async ({ query, signal, navigate }) => {
    const status = statusRegion();
    const stats = h("dl", { class: "stats", "aria-label": "Queue figures" });
    const waitingArea = h("div");
    const agentsArea = h("div");
    const teamsArea = h("section", { "aria-labelledby": "teams-title", hidden: "" });
    const updated = h("p", { class: "hint", "aria-live": "off" });
    const siteSelect = select("site", []);
    siteSelect.addEventListener("change", () => navigate(`/console/queue?site=${encodeURIComponent(siteSelect.value)}`));

    const show = (s: Supervision) => {
      if (siteSelect.options.length !== s.sites.length) replaceChildren(siteSelect, s.sites.map((x) => h("option", { value: x.id }, x.name)));
      siteSelect.value = s.site ?? "";
      const f = s.stats;
      replaceChildren(
        stats,
        f && [
          statTile("Waiting", String(f.waiting), "stat-waiting"),
          statTile("In progress", String(f.active), "stat-active"),
          statTile("Average wait (24 h)", f.averageWaitMs ? waitedShort(f.averageWaitMs) : "—", "stat-wait"),
          statTile("Agents online", String(f.agentsOnline), "stat-agents"),
          statTile("Visitors on the site", String(f.visitorsOnline), "stat-visitors"),
        ],
      );
      replaceChildren(
        waitingArea,
        table("Visitors waiting", ["Visitor", "Waiting for", "Kind"], s.waiting.map((w) => h("tr", {}, h("td", { class: "strong" }, w.visitorName), h("td", {}, waited(w.waitingMs)), h("td", {}, w.state === "offline" ? "Offline message" : "Live chat"))), "Nobody is waiting."),
      );
      // Queues per team, where the site routes by team (routing.yaml).
      const teams = s.teams ?? [];
      teamsArea.hidden = teams.length === 0;
      replaceChildren(
        teamsArea,
        h("h2", { id: "teams-title", class: "section-title" }, "Queues by team"),
        table(
          "Queues by team",
          ["Team", "Chat", "Waiting", "Longest wait"],
          teams.map((t) =>
            h(
              "tr",
              { "data-team": t.id },
              h("td", { class: "strong" }, t.name),
              h("td", {}, h("span", { class: `badge ${t.open ? "badge-online" : "badge-offline"}` }, t.open ? "Open" : "Closed (business hours)")),
              h("td", { class: "num" }, String(t.waiting)),
              h("td", {}, t.waiting ? waited(t.longestWaitMs) : "—"),
            ),
          ),
          "This site has no teams.",
          ["Waiting"],
        ),
      );
      replaceChildren(
        agentsArea,
        table(
          "Agents",
          ["Agent", "Status", "Chats in progress", "Chats taken (24 h)"],
          s.agents.map((a) =>
            h(
              "tr",
              { "data-agent": a.id },
              h("td", { class: "strong" }, a.name),
              h("td", {}, h("span", { class: `badge ${a.online ? "badge-online" : "badge-offline"}` }, a.online ? "Online" : "Offline")),
              h("td", { class: "num" }, String(a.activeNow)),
              h("td", { class: "num" }, String(a.handledSince)),
            ),
          ),
          "No agent is online or has taken a chat in the last 24 hours.",
          ["Chats in progress", "Chats taken (24 h)"],
        ),
      );
      updated.textContent = `Updated ${new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" })}; refreshes every 10 seconds.`;
    };

    const load = async () => {
      const site = query.get("site");
      const s = await api.get(`/api/v1/chat/supervision${site ? `?site=${encodeURIComponent(site)}` : ""}`, supervisionSchema);
      if (signal.aborted) return;
      status.clear();
      show(s);
    };
    await load();
    const timer = setInterval(() => void load().catch((err: unknown) => status.error(err)), REFRESH_EVERY_MS);
    signal.addEventListener("abort", () => clearInterval(timer));

    return h(
      "div",
      { class: "page" },
      pageHeader("Queue and agents", "Who is waiting on a site, for how long, and what each agent is doing. Names only; no chat content."),
      h("div", { class: "toolbar" }, field("Site", siteSelect), updated),
      status.el,
      stats,
      teamsArea,
      h("section", { "aria-labelledby": "waiting-title" }, h("h2", { id: "waiting-title", class: "section-title" }, "Waiting"), waitingArea),
      h("section", { "aria-labelledby": "agents-title" }, h("h2", { id: "agents-title", class: "section-title" }, "Agents"), agentsArea),
    );
  },
});
