import * as z from "zod/mini";
import { api } from "../api.js";
import { field, select } from "../components/form.js";
import { statusRegion } from "../components/notice.js";
import { pageHeader } from "../components/page-header.js";
import { h } from "../dom.js";
import { definePage } from "./page.js";

const figures = { count: z.number(), average: z.number(), scores: z.array(z.number()) };
const ratingsSchema = z.object({
  from: z.number(),
  to: z.number(),
  sites: z.array(z.object({ site: z.string(), ...figures })),
  agents: z.array(z.object({ agentId: z.nullable(z.string()), name: z.nullable(z.string()), ...figures })),
  teams: z.array(z.object({ site: z.string(), team: z.nullable(z.string()), name: z.nullable(z.string()), ...figures })),
  registeredSites: z.array(z.object({ id: z.string(), name: z.string() })),
});
type Figures = { count: number; average: number; scores: number[] };

const DAY_MS = 86_400_000;
const PERIODS = [
  ["7", "Last 7 days"],
  ["30", "Last 30 days"],
  ["90", "Last 90 days"],
  ["custom", "From – to (dates)"],
] as const;

/** A day as YYYY-MM-DD (UTC), for date inputs and the period line. */
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayStart = (value: string | null) => (value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN);

/** The period the query asks for, or a sentence saying what is wrong with it. */
function periodOf(query: URLSearchParams, now: number): { from: number; to: number } | string {
  const period = query.get("period") ?? "30";
  if (period !== "custom") {
    const days = [7, 30, 90].includes(Number(period)) ? Number(period) : 30;
    return { from: now - days * DAY_MS, to: now + 1 };
  }
  const from = dayStart(query.get("from"));
  const to = dayStart(query.get("to")) + DAY_MS; // the end date counts in full
  if (Number.isNaN(from) || Number.isNaN(to)) return "Choose both dates of the period.";
  return from < to ? { from, to } : "The period ends before it starts: choose a “to” date on or after the “from” date.";
}

/** One row's figures: how many, the average, and how many of each score (with a bar for the eye). */
function figureCells(f: Figures): HTMLElement[] {
  const bar = h("span", { class: "rating-bar", "aria-hidden": "true" });
  f.scores.forEach((n, i) => {
    if (n === 0) return;
    const part = h("span", { class: `rating-bar-part rating-score-${i + 1}` });
    part.style.setProperty("flex-grow", String(n));
    bar.append(part);
  });
  return [
    h("td", { class: "num" }, String(f.count)),
    h("td", { class: "num strong" }, f.average.toFixed(2)),
    ...f.scores.map((n) => h("td", { class: "num" }, String(n))),
    h("td", {}, bar),
  ];
}

function ratingsTable(caption: string, first: string, rows: { label: string; key: string; figures: Figures }[]): HTMLElement {
  const columns = [first, "Ratings", "Average", "Score 1", "Score 2", "Score 3", "Score 4", "Score 5", "Distribution"];
  return h(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-label": `${caption} (scrolls sideways on a narrow window)` },
    h(
      "table",
      { class: "data-table ratings-table" },
      h("caption", { class: "visually-hidden" }, caption),
      h("thead", {}, h("tr", {}, columns.map((c, i) => h("th", { scope: "col", class: i > 0 && i < 8 ? "num" : undefined }, c)))),
      h(
        "tbody",
        {},
        rows.length
          ? [...rows].sort((a, b) => b.figures.count - a.figures.count || a.label.localeCompare(b.label)).map((r) => h("tr", { "data-key": r.key }, h("th", { scope: "row", class: "strong" }, r.label), figureCells(r.figures)))
          : h("tr", {}, h("td", { colspan: columns.length, class: "hint" }, "No ratings in this period.")),
      ),
    ),
  );
}

/**
 * Supervisors read how satisfied visitors were, per agent, team and site, for a period. Scores
 * only: a rating's comment is read with its transcript (chatlog:read, audited), never here.
 */
export const ratingsPage = definePage({
  path: "/console/ratings",
  title: "Satisfaction",
  access: { action: "stats:view" },
  nav: { label: "Satisfaction", section: "work", order: 45, description: "How visitors rated their chats, per agent, team and site." },
  render: async ({ query, navigate }) => {
    const status = statusRegion();
    const period = periodOf(query, Date.now());
    const site = query.get("site") ?? "";
    const params = new URLSearchParams(typeof period === "string" ? {} : { from: String(period.from), to: String(period.to) });
    if (site) params.set("site", site);
    const r = await api.get(`/api/v1/chat/ratings?${params.toString()}`, ratingsSchema);
    const siteName = (id: string) => r.registeredSites.find((s) => s.id === id)?.name ?? id;

    const periodSelect = select("period", PERIODS, query.get("period") ?? "30");
    const siteSelect = select("site", [["", "All sites"], ...r.registeredSites.map((s) => [s.id, s.name] as const)], site);
    const fromInput = h("input", { type: "date", name: "from", value: query.get("from") ?? day(Date.now() - 30 * DAY_MS) });
    const toInput = h("input", { type: "date", name: "to", value: query.get("to") ?? day(Date.now()) });
    const dates = h("div", { class: "toolbar", hidden: periodSelect.value !== "custom" }, field("From", fromInput, undefined, { narrow: true }), field("To", toInput, undefined, { narrow: true }));
    periodSelect.addEventListener("change", () => (dates.hidden = periodSelect.value !== "custom"));
    const form = h(
      "form",
      { class: "filters", "aria-label": "Period and site" },
      h("div", { class: "toolbar" }, field("Period", periodSelect), field("Site", siteSelect)),
      dates,
      h("button", { type: "submit", class: "button primary" }, "Show"),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const next = new URLSearchParams({ period: periodSelect.value });
      if (periodSelect.value === "custom") {
        next.set("from", fromInput.value);
        next.set("to", toInput.value);
      }
      if (siteSelect.value) next.set("site", siteSelect.value);
      navigate(`/console/ratings?${next.toString()}`);
    });

    if (typeof period === "string") status.show("warning", period);
    const total = r.sites.reduce((n, s) => n + s.count, 0);
    const sum = r.sites.reduce((n, s) => n + s.average * s.count, 0);
    const shown = `${day(r.from)} to ${day(r.to - 1)}${site ? `, ${siteName(site)}` : ", all sites"}`;
    return h(
      "div",
      { class: "page" },
      pageHeader("Satisfaction", "How visitors rated their chats (1 = very poor, 5 = very good). Scores only: a rating’s comment is read with its transcript, and that read is audited."),
      form,
      status.el,
      h("p", { class: "hint", "data-testid": "ratings-period" }, `Ratings given ${shown} (UTC).`),
      h(
        "dl",
        { class: "stats", "aria-label": "Satisfaction figures" },
        h("div", { class: "stat" }, h("dt", {}, "Ratings"), h("dd", {}, String(total))),
        h("div", { class: "stat" }, h("dt", {}, "Average score"), h("dd", {}, total ? (sum / total).toFixed(2) : "—")),
      ),
      h("section", { "aria-labelledby": "by-agent" }, h("h2", { id: "by-agent", class: "section-title" }, "By agent"), ratingsTable("Ratings by agent", "Agent", r.agents.map((a) => ({ label: a.name ?? "No agent (ended while waiting)", key: a.agentId ?? "", figures: a })))),
      h(
        "section",
        { "aria-labelledby": "by-team" },
        h("h2", { id: "by-team", class: "section-title" }, "By team"),
        ratingsTable("Ratings by team", "Team", r.teams.map((t) => ({ label: `${t.name ?? "No team"} · ${siteName(t.site)}`, key: `${t.site}/${t.team ?? ""}`, figures: t }))),
      ),
      h("section", { "aria-labelledby": "by-site" }, h("h2", { id: "by-site", class: "section-title" }, "By site"), ratingsTable("Ratings by site", "Site", r.sites.map((s) => ({ label: siteName(s.site), key: s.site, figures: s })))),
    );
  },
});
