import * as z from "zod/mini";
import { api } from "../api.js";
import { codeForm } from "../components/code-form.js";
import { pageHeader } from "../components/page-header.js";
import { recoveryCodesPanel } from "../components/recovery-codes.js";
import { h, replaceChildren } from "../dom.js";
import { definePage } from "./page.js";

const codesSchema = z.object({ recoveryCodes: z.array(z.string()) });

/** New recovery codes replace all old ones; a current authenticator code proves it is the agent. */
export const recoveryCodesPage = definePage({
  path: "/console/account/recovery-codes",
  title: "Recovery codes",
  access: { action: "mfa:manage" },
  render: ({ viewer }) => {
    const area = h("section", { class: "panel" });
    replaceChildren(
      area,
      h("p", {}, `You have ${viewer.mfa.recoveryCodesLeft} unused recovery code${viewer.mfa.recoveryCodesLeft === 1 ? "" : "s"}. New codes replace all of them.`),
      codeForm({
        kind: "totp",
        label: "Current authentication code",
        hint: "Confirm with a code from your authenticator app.",
        submitLabel: "Create new codes",
        submit: async (code) => {
          const { recoveryCodes } = await api.post("/api/v1/me/recovery-codes", { code }, codesSchema);
          replaceChildren(area, recoveryCodesPanel(recoveryCodes), h("p", {}, h("a", { href: "/console/account" }, "Back to My account")));
        },
      }),
    );
    return h("div", { class: "page" }, pageHeader("Recovery codes", "One-time codes for when your authenticator app is not at hand."), area);
  },
});
