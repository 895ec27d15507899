import * as z from "zod/mini";
import { api } from "../api.js";
import { formatTime } from "../components/format.js";
import { statusRegion } from "../components/notice.js";
import { pageHeader } from "../components/page-header.js";
import { h, replaceChildren } from "../dom.js";
import { definePage } from "./page.js";

const sessionsSchema = z.object({
  sessions: z.array(
    z.object({
      ref: z.string(),
      agentId: z.string(),
      agentName: z.string(),
      agentSubject: z.string(),
      state: z.enum(["active", "pending_mfa"]),
      createdAt: z.number(),
      lastSeenAt: z.number(),
      current: z.boolean(),
    }),
  ),
});
type SessionRow = z.infer<typeof sessionsSchema>["sessions"][number];

/** Admins see every live agent session and can end any of them (its sockets close too). */
export const sessionsPage = definePage({
  path: "/console/sessions",
  title: "Sessions",
  access: { action: "sessions:manage" },
  nav: { label: "Sessions", section: "admin", order: 10, description: "See who is signed in and end any agent's session." },
  render: async ({ signal }) => {
    const status = statusRegion();
    const body = h("tbody");
    const table = h(
      "table",
      { class: "data-table" },
      h("caption", { class: "visually-hidden" }, "Live agent sessions"),
      h("thead", {}, h("tr", {}, ["Agent", "State", "Signed in", "Last activity", h("span", { class: "visually-hidden" }, "Actions")].map((c) => h("th", { scope: "col" }, c)))),
      body,
    );
    const count = h("p", { class: "hint" });

    const load = async () => {
      const { sessions } = await api.get("/api/v1/sessions", sessionsSchema);
      if (signal.aborted) return;
      count.textContent = sessions.length === 1 ? "1 live session" : `${sessions.length} live sessions`;
      replaceChildren(body, sessions.length ? sessions.map(row) : h("tr", {}, h("td", { colspan: 5 }, "No live sessions.")));
    };

    const row = (s: SessionRow): HTMLElement => {
      const actions = h("td", { class: "actions-cell" });
      const endButton = () =>
        h("button", { type: "button", class: "button danger small", "aria-label": `End session of ${s.agentName || s.agentSubject}`, on: { click: askToConfirm } }, "End session");
      const askToConfirm = () => {
        const yes = h("button", { type: "button", class: "button danger small", on: { click: end } }, "Yes, end it");
        const no = h("button", { type: "button", class: "button secondary small", on: { click: () => replaceChildren(actions, endButton()) } }, "Cancel");
        replaceChildren(actions, h("span", { class: "confirm" }, "End this session?", yes, no));
        yes.focus();
      };
      const end = () => {
        api.delete(`/api/v1/sessions/${encodeURIComponent(s.ref)}`).then(
          async () => {
            await load();
            status.show("success", `Ended the session of ${s.agentName || s.agentSubject}.`);
          },
          (err: unknown) => status.error(err),
        );
      };
      replaceChildren(actions, s.current ? h("span", { class: "badge" }, "This session") : endButton());
      return h(
        "tr",
        { "data-session": s.ref },
        h("td", {}, h("div", { class: "strong" }, s.agentName || "—"), h("div", { class: "hint mono" }, s.agentSubject)),
        h("td", {}, s.state === "active" ? "Active" : "Waiting for second factor"),
        h("td", {}, formatTime(s.createdAt)),
        h("td", {}, formatTime(s.lastSeenAt)),
        actions,
      );
    };

    await load();
    const refresh = h("button", { type: "button", class: "button secondary", on: { click: () => void load().catch((err: unknown) => status.error(err)) } }, "Refresh");
    return h("div", { class: "page" }, pageHeader("Sessions", "Every agent session that is live right now. Ending one signs that agent out at once.", refresh), status.el, count, h("div", { class: "table-wrap" }, table));
  },
});
