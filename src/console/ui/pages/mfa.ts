import * as z from "zod/mini";
import { api } from "../api.js";
import { codeForm } from "../components/code-form.js";
import { recoveryCodesPanel } from "../components/recovery-codes.js";
import { h, replaceChildren } from "../dom.js";
import { safeReturnTo } from "../routing.js";
import { definePage, type PageContext } from "./page.js";
import type { MfaViewer } from "../viewer.js";

const enrollmentSchema = z.object({ secret: z.string(), otpauthUri: z.string(), qrCodeUrl: z.string() });
const confirmSchema = z.object({ recoveryCodes: z.array(z.string()) });
const okSchema = z.object({ ok: z.boolean() });

/** The secret in groups of four, as authenticator apps show it for manual entry. */
function groupedSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}

async function enrollment(ctx: PageContext<MfaViewer>, returnTo: string): Promise<Node> {
  const { secret, qrCodeUrl } = await api.post("/api/v1/mfa/enrollment", {}, enrollmentSchema);
  const panel = h("section", { class: "panel auth-panel" });
  const finish = (codes: readonly string[]) =>
    replaceChildren(
      panel,
      h("h1", { tabindex: "-1" }, "Two-step sign-in is on"),
      recoveryCodesPanel(codes),
      h("button", { type: "button", class: "button primary wide", on: { click: () => void ctx.refreshViewer(returnTo) } }, "I have saved my codes — continue"),
    );
  replaceChildren(
    panel,
    h("h1", { tabindex: "-1" }, "Set up your authenticator"),
    h("p", { class: "lead" }, "Airlock asks for a code from an authenticator app each time you sign in."),
    h(
      "ol",
      { class: "steps" },
      h(
        "li",
        {},
        h("h2", {}, "Scan this QR code"),
        h("p", { class: "hint" }, "Use any authenticator app (for example on your work phone)."),
        h("img", { class: "qr", src: `${qrCodeUrl}?t=${Date.now()}`, width: 200, height: 200, alt: "QR code that adds Airlock to your authenticator app" }),
        h(
          "details",
          { class: "manual-secret" },
          h("summary", {}, "Can't scan it? Enter the key by hand"),
          h("p", { class: "hint" }, "Account type: time-based, 6 digits, every 30 seconds."),
          h("code", { class: "secret", "data-testid": "totp-secret", "aria-label": "Setup key" }, groupedSecret(secret)),
        ),
      ),
      h(
        "li",
        {},
        h("h2", {}, "Enter the code your app shows"),
        codeForm({
          kind: "totp",
          label: "6-digit code",
          hint: "The code changes every 30 seconds.",
          submitLabel: "Turn on",
          submit: async (code) => finish((await api.post("/api/v1/mfa/enrollment/confirm", { code }, confirmSchema)).recoveryCodes),
        }),
      ),
    ),
  );
  return panel;
}

function challenge(ctx: PageContext<MfaViewer>, returnTo: string): Node {
  const done = () => ctx.refreshViewer(returnTo);
  const totp = codeForm({
    kind: "totp",
    label: "Authentication code",
    hint: "Open your authenticator app and enter the 6-digit code for Airlock.",
    submitLabel: "Verify",
    submit: async (code) => {
      await api.post("/api/v1/mfa/challenge", { code }, okSchema);
      await done();
    },
  });
  const recovery = codeForm({
    kind: "recovery",
    label: "Recovery code",
    hint: "Each recovery code works once. Set up a new authenticator afterwards in My account.",
    submitLabel: "Use code",
    submit: async (code) => {
      await api.post("/api/v1/mfa/recovery", { code }, okSchema);
      await done();
    },
  });
  return h(
    "section",
    { class: "panel auth-panel" },
    h("h1", { tabindex: "-1" }, "Confirm it's you"),
    h("p", { class: "lead" }, `Signed in as ${ctx.viewer.name}.`),
    totp,
    h("details", { class: "alternative" }, h("summary", {}, "Lost your authenticator? Use a recovery code"), recovery),
  );
}

/** After the IdP: enroll TOTP (first sign-in) or enter a code; then on to where the agent was going. */
export const mfaPage = definePage({
  path: "/console/mfa",
  title: "Two-step sign-in",
  access: { mfaPending: true },
  render: (ctx) => {
    const returnTo = safeReturnTo(ctx.query.get("returnTo"));
    return ctx.viewer.totp === "enrolled" ? challenge(ctx, returnTo) : enrollment(ctx, returnTo);
  },
});
