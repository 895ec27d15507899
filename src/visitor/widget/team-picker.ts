import type { ChatTeamChoice } from "../../protocol/chat-frames.js";
import { h } from "../ui/host.js";
import type { WidgetKey } from "./strings.js";

/**
 * Before a chat starts, where the site lets visitors pick a team: "No preference" (the page's
 * team, by the site's rules) or one of the teams, as a native radio group, then "Start chat".
 * Team names come from the policy and are set as text only.
 */
export function teamPicker(t: (key: WidgetKey) => string, onStart: (team: string | undefined) => void): { el: HTMLFormElement; teams(list: readonly ChatTeamChoice[]): void } {
  const group = h("div", { class: "alc-scores alc-teams" });
  const el = h("form", { class: "alc-rate alc-teampick", hidden: "" }, h("fieldset", {}, h("legend", {}, t("teamQuestion")), group), h("div", { class: "alc-row" }, h("button", { class: "alc-btn alc-primary", type: "submit" }, t("start"))));
  el.addEventListener("submit", (e) => {
    e.preventDefault();
    const team = new FormData(el).get("alc-team");
    onStart(typeof team === "string" && team !== "" ? team : undefined);
  });
  const option = (value: string, label: string) => h("label", { class: "alc-score" }, h("input", { type: "radio", name: "alc-team", value }), h("span", {}, label));
  return {
    el,
    teams(list) {
      group.replaceChildren(option("", t("teamAny")), ...list.map((c) => option(c.id, c.name)));
      group.querySelector("input")?.setAttribute("checked", "");
    },
  };
}
