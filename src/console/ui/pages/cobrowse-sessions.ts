import * as z from "zod/mini";
import { api } from "../api.js";
import { formatTime } from "../components/format.js";
import { statusRegion } from "../components/notice.js";
import { pageHeader } from "../components/page-header.js";
import { h, replaceChildren } from "../dom.js";
import { definePage } from "./page.js";

// The live co-browse sessions of every replica (GET /api/v1/cobrowse/sessions: metadata only,
// never a page URL or content). Each session's buttons are the `actions` the server decided for
// this agent and that session (the console never guesses from roles); joining asks the server
// again (POST …/join), then opens the viewer, where the visitor is asked for consent.

const sessionSchema = z.object({
  room: z.string(),
  visitorName: z.string(),
  site: z.string(),
  siteName: z.string(),
  state: z.enum(["waiting", "active", "ended"]),
  mode: z.enum(["view", "control"]),
  agents: z.number(),
  since: z.number(),
  actions: z.array(z.enum(["start", "join"])),
});
const sessionsSchema = z.object({ sessions: z.array(sessionSchema) });
type Session = z.infer<typeof sessionSchema>;

const REFRESH_EVERY_MS = 3_000;

const stateText: Readonly<Record<Session["state"], string>> = {
  waiting: "Visitor on the site",
  active: "Sharing",
  ended: "Ended",
};

export const cobrowseSessionsPage = definePage({
  path: "/console/cobrowse",
  title: "Co-browse",
  access: { action: "visitors:view" },
  nav: { label: "Co-browse", section: "work", order: 20, description: "Live co-browse sessions: join one to see the visitor's page." },
  render: async ({ signal, navigate }) => {
    const status = statusRegion();
    const body = h("tbody");
    const count = h("p", { class: "hint", role: "status" });
    const table = h(
      "table",
      { class: "data-table", "data-testid": "cobrowse-sessions" },
      h("caption", { class: "visually-hidden" }, "Live co-browse sessions"),
      h("thead", {}, h("tr", {}, ["Visitor", "State", "Agents", "Since", h("span", { class: "visually-hidden" }, "Actions")].map((c) => h("th", { scope: "col" }, c)))),
      body,
    );

    const join = (s: Session) => {
      api.post(`/api/v1/cobrowse/sessions/${encodeURIComponent(s.room)}/join`, {}, z.object({ room: z.string() })).then(
        (r) => navigate(`/console/cobrowse/${encodeURIComponent(r.room)}`),
        (err: unknown) => status.error(err),
      );
    };

    const row = (s: Session): HTMLElement => {
      // The same pseudonym the chat and the live visitor list show for this visit.
      const label = s.visitorName;
      return (
      h(
        "tr",
        { "data-room": s.room },
        h("td", {}, h("div", { class: "strong", "data-testid": "visitor-name" }, label), h("div", { class: "hint" }, s.siteName)),
        h("td", {}, s.state === "active" && s.mode === "control" ? "Sharing, agent in control" : stateText[s.state]),
        h("td", {}, String(s.agents)),
        h("td", {}, formatTime(s.since)),
        h(
          "td",
          { class: "actions-cell" },
          ...s.actions.map((action) =>
            h("button", { type: "button", class: "button primary small", "data-action": action, title: `${label} on ${s.siteName}`, on: { click: () => join(s) } }, action === "join" ? "Join" : "Start co-browsing"),
          ),
        ),
      ));
    };

    const load = async () => {
      const { sessions } = await api.get("/api/v1/cobrowse/sessions", sessionsSchema);
      if (signal.aborted) return;
      count.textContent = sessions.length === 1 ? "1 live session" : `${sessions.length} live sessions`;
      replaceChildren(body, sessions.length ? sessions.map(row) : h("tr", {}, h("td", { colspan: 5 }, "No visitor is on a site with the co-browsing script right now.")));
    };

    // A live list: refreshed while the page is open, stopped when the agent leaves it.
    const timer = setInterval(() => void load().catch((err: unknown) => status.error(err)), REFRESH_EVERY_MS);
    signal.addEventListener("abort", () => clearInterval(timer), { once: true });
    await load();
    return h(
      "div",
      { class: "page" },
      pageHeader("Co-browse", "Visitors on your sites right now. Starting a session asks the visitor to share their screen; nothing of the page is shown before they agree."),
      status.el,
      count,
      h("div", { class: "table-wrap" }, table),
    );
  },
});
