import { notice } from "../components/notice.js";
import { h } from "../dom.js";
import { safeReturnTo } from "../routing.js";
import { definePage } from "./page.js";

/** The landing page without a session: one way in, through the company IdP. */
export const signInPage = definePage({
  path: "/console/sign-in",
  title: "Sign in",
  access: { signedOut: true },
  render: ({ query }) => {
    const returnTo = safeReturnTo(query.get("returnTo"));
    return h(
      "section",
      { class: "panel auth-panel" },
      h("h1", { tabindex: "-1" }, "Sign in to Airlock"),
      query.get("ended") === "1" && notice("info", "Your session has ended. Sign in again to continue."),
      query.get("ended") === "deactivated" && notice("warning", "Your organisation has deactivated your Airlock account, so you were signed out. Ask your administrator if this is a mistake."),
      h("p", { class: "lead" }, "Use your company account. Afterwards you confirm it is you with your authenticator app."),
      h("a", { class: "button primary wide", href: `/auth/login?returnTo=${encodeURIComponent(returnTo)}`, "data-testid": "sign-in" }, "Sign in with your company account"),
      h("p", { class: "hint" }, "Airlock never sees or stores your password; your company's identity provider checks it."),
    );
  },
});
