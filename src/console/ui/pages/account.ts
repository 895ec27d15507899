import * as z from "zod/mini";
import { api } from "../api.js";
import { codeForm } from "../components/code-form.js";
import { formatDuration, formatTime } from "../components/format.js";
import { pageHeader } from "../components/page-header.js";
import { h, type Child } from "../dom.js";
import type { ReadyViewer } from "../viewer.js";
import { definePage } from "./page.js";

const resetSchema = z.object({ redirect: z.string() });

function facts(rows: readonly [string, Child][]): HTMLElement {
  return h("dl", { class: "facts" }, rows.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
}

function security(viewer: ReadyViewer, refreshViewer: (goTo?: string) => Promise<void>): HTMLElement {
  const left = viewer.mfa.recoveryCodesLeft;
  return h(
    "section",
    { class: "panel", "aria-labelledby": "security-title" },
    h("h2", { id: "security-title" }, "Two-step sign-in"),
    facts([
      ["Authenticator app", viewer.mfa.totp === "enrolled" ? "Set up" : "Not set up (your identity provider confirms your second factor)"],
      ["Recovery codes left", h("span", { class: left <= 2 ? "warn" : "" }, String(left))],
    ]),
    h("p", {}, h("a", { href: "/console/account/recovery-codes" }, "Create new recovery codes")),
    viewer.mfa.totp === "enrolled" &&
      h(
        "details",
        { class: "alternative" },
        h("summary", {}, "Replace your authenticator app"),
        codeForm({
          kind: "totp",
          label: "Current authentication code",
          hint: "To replace your authenticator, confirm with a code from the current one. You then set up the new app.",
          submitLabel: "Replace",
          submit: async (code) => {
            const { redirect } = await api.post("/api/v1/me/mfa/reset", { code }, resetSchema);
            await refreshViewer(redirect);
          },
        }),
      ),
  );
}

/** The signed-in agent's identity, session and second factor, and the way out. */
export const accountPage = definePage({
  path: "/console/account",
  title: "My account",
  access: { action: "console:use" },
  nav: { label: "My account", section: "account", order: 0, description: "Your identity, session and two-step sign-in." },
  render: ({ viewer, refreshViewer, signOut }) => {
    const { agent, session } = viewer;
    return h(
      "div",
      { class: "page" },
      pageHeader("My account", "Your identity comes from your company's identity provider; Airlock keeps no password."),
      h(
        "div",
        { class: "columns" },
        h(
          "section",
          { class: "panel", "aria-labelledby": "identity-title" },
          h("h2", { id: "identity-title" }, "Identity"),
          facts([
            ["Name", agent.name || "—"],
            ["Email", agent.email ?? "—"],
            ["Roles", viewer.roles.length ? viewer.roles.map((r) => h("span", { class: "badge" }, r)) : "none"],
            ["Identity provider", h("span", { class: "mono" }, agent.issuer)],
            ["Subject", h("span", { class: "mono" }, agent.subject)],
          ]),
        ),
        h(
          "section",
          { class: "panel", "aria-labelledby": "session-title" },
          h("h2", { id: "session-title" }, "This session"),
          facts([
            ["Signed in", formatTime(session.createdAt)],
            ["Ends at the latest", formatTime(session.absoluteExpiresAt)],
            ["Ends after inactivity of", formatDuration(session.idleTimeoutMs)],
          ]),
          h("button", { type: "button", class: "button secondary", on: { click: () => void signOut() } }, "Sign out"),
        ),
        security(viewer, refreshViewer),
      ),
    );
  },
});
