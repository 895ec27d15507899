import { h } from "../dom.js";
import { definePage } from "./page.js";

/** Where the IdP sends the browser after logout (post_logout_redirect_uri). */
export const signedOutPage = definePage({
  path: "/console/signed-out",
  title: "Signed out",
  access: { public: true },
  render: () =>
    h(
      "section",
      { class: "panel auth-panel" },
      h("h1", { tabindex: "-1" }, "You are signed out"),
      h("p", { class: "lead" }, "Your Airlock session has ended, here and at your company's identity provider."),
      h("p", { class: "hint" }, "On a shared computer, close the browser as well."),
      h("a", { class: "button primary wide", href: "/console/sign-in" }, "Sign in again"),
    ),
});
