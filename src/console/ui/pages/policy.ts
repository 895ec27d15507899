import { api } from "../api.js";
import { formatTime } from "../components/format.js";
import { pageHeader } from "../components/page-header.js";
import { h } from "../dom.js";
import { definePage } from "./page.js";
import { effectivePolicySchema, type EffectivePolicy } from "./policy-api.js";
import { dataView } from "./policy-data-view.js";
import { explainForm } from "./policy-explain.js";

/** One tab per policy file (WAI-ARIA tabs: arrow keys, Home and End move between them). */
function fileTabs(files: EffectivePolicy["files"]): HTMLElement {
  const tabs: HTMLButtonElement[] = [];
  const panels: HTMLElement[] = [];
  const select = (index: number, focus: boolean) => {
    tabs.forEach((tab, i) => {
      tab.setAttribute("aria-selected", String(i === index));
      tab.tabIndex = i === index ? 0 : -1;
      const panel = panels[i];
      if (panel) panel.hidden = i !== index;
    });
    if (focus) tabs[index]?.focus();
  };
  files.forEach((f, i) => {
    const tab = h("button", { type: "button", role: "tab", id: `policy-tab-${f.key}`, "aria-controls": `policy-panel-${f.key}` }, f.file);
    tab.addEventListener("click", () => select(i, false));
    tabs.push(tab);
    panels.push(
      h(
        "div",
        { role: "tabpanel", id: `policy-panel-${f.key}`, "aria-labelledby": tab.id, tabindex: "0", class: "policy-panel" },
        h("p", { class: "hint" }, f.source === "shipped" ? "Shipped with Airlock (policies/)." : "From this deployment's policy folder (policyDir), replacing the shipped file."),
        dataView(f.content),
      ),
    );
  });
  const list = h("div", { role: "tablist", "aria-label": "Policy files", class: "tabs" }, tabs);
  list.addEventListener("keydown", (event) => {
    const current = tabs.findIndex((t) => t.getAttribute("aria-selected") === "true");
    const next = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    select((next + tabs.length) % tabs.length, true);
  });
  select(0, false);
  return h("section", { class: "panel", "aria-labelledby": "files-title" }, h("h2", { id: "files-title" }, "Files"), list, panels);
}

/** The policy in force right now: every file as validated data, its hash, and an explain form. */
export const policyPage = definePage({
  path: "/console/policy",
  title: "Effective policy",
  access: { action: "policy:read" },
  nav: { label: "Effective policy", section: "review", order: 30, description: "The rules in force, file by file, and why a decision goes the way it does." },
  render: async ({ signal }) => {
    const policy = await api.get("/api/v1/policy", effectivePolicySchema);
    const overridden = policy.files.filter((f) => f.source === "policyDir").length;
    return h(
      "div",
      { class: "page" },
      pageHeader("Effective policy", "Deny by default: an action is allowed only when a role grants it and every condition holds. Every rule names the ASVS requirements it serves."),
      h(
        "section",
        { class: "panel", "aria-label": "Policy summary" },
        h(
          "dl",
          { class: "facts" },
          h("dt", {}, "Content hash (SHA-256)"),
          h("dd", {}, h("code", { "data-testid": "policy-hash" }, policy.hash)),
          h("dt", {}, "Loaded"),
          h("dd", {}, formatTime(policy.loadedAt)),
          h("dt", {}, "Files"),
          h("dd", {}, `${policy.files.length} files, ${overridden === 0 ? "all as shipped" : `${overridden} from this deployment's policy folder`}`),
        ),
      ),
      fileTabs(policy.files),
      explainForm(policy, signal),
    );
  },
});
