import { api } from "../api.js";
import { notice, statusRegion } from "../components/notice.js";
import { h, replaceChildren } from "../dom.js";
import { explainPath, explanationSchema, type EffectivePolicy, type Explanation } from "./policy-api.js";
import { dataView } from "./policy-data-view.js";

let fieldCount = 0;
const fieldId = (name: string) => `explain-${name}-${++fieldCount}`;

function labelled(label: string, control: HTMLElement): HTMLElement {
  return h("div", { class: "field" }, h("label", { for: control.id }, label), control);
}

function checkbox(label: string, checked = false): { row: HTMLElement; input: HTMLInputElement } {
  const input = h("input", { type: "checkbox", id: fieldId("check"), ...(checked ? { checked: true } : {}) });
  return { row: h("div", { class: "check" }, input, h("label", { for: input.id }, label)), input };
}

const outcomeLabel = { pass: "passed", allow: "allowed", deny: "denied", skip: "skipped" } as const;

/** The decision, the rule that made it and where that rule is written, then every step before it. */
function result(x: Explanation): HTMLElement {
  const { decision } = x;
  return h(
    "section",
    { class: "explain-result", "aria-labelledby": "explain-result-title", "data-testid": "explain-result" },
    h("h3", { id: "explain-result-title", class: "visually-hidden" }, "Decision"),
    notice(decision.allow ? "success" : "error", h("strong", { "data-testid": "explain-verdict" }, decision.allow ? "Allowed" : "Denied"), ` — ${x.action}`),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Deciding rule"),
      h("dd", {}, h("code", { "data-testid": "explain-rule" }, decision.rule)),
      h("dt", {}, "Why"),
      h("dd", {}, decision.reason),
      h("dt", {}, "ASVS"),
      h("dd", {}, dataView(decision.asvs, "asvs")),
      h("dt", {}, "Written in"),
      h(
        "dd",
        {},
        x.ruleSource
          ? [h("div", {}, h("code", {}, x.ruleSource.file), " › ", h("code", {}, x.ruleSource.field)), h("div", { class: "pv-source" }, dataView(x.ruleSource.content))]
          : h("span", { class: "hint" }, "Airlock's built-in rule (deny by default); no policy file sets it."),
      ),
    ),
    h("h4", {}, "Steps"),
    h(
      "ol",
      { class: "trace" },
      x.trace.map((s) => h("li", { class: `trace-${s.outcome}` }, h("span", { class: `badge outcome-${s.outcome}` }, outcomeLabel[s.outcome]), " ", h("code", {}, s.rule), h("span", { class: "hint" }, ` — ${s.reason}`))),
    ),
  );
}

/** Pick a role and an action (and the facts of the situation) and see what the policy decides. */
export function explainForm(policy: EffectivePolicy, signal: AbortSignal): HTMLElement {
  const role = h("select", { id: fieldId("role") }, policy.roles.map((r) => h("option", { value: r }, r)));
  const agentActions = policy.actions.filter((a) => !a.action.startsWith("visitor:"));
  const visitorActions = policy.actions.filter((a) => a.action.startsWith("visitor:"));
  const actionId = fieldId("action");
  const action = h(
    "select",
    { id: actionId, "aria-describedby": `${actionId}-hint` },
    h("optgroup", { label: "Agent actions" }, agentActions.map((a) => h("option", { value: a.action }, a.action))),
    h("optgroup", { label: "Visitor actions" }, visitorActions.map((a) => h("option", { value: a.action }, a.action))),
  );
  const granted = h("select", { id: fieldId("granted") }, h("option", { value: "" }, "none"), h("option", { value: "view" }, "view"), h("option", { value: "control" }, "control"));
  const mfa = checkbox("Second factor passed", true);
  const assigned = checkbox("Assigned to the conversation");
  const consentView = checkbox("Visitor consented to view");
  const consentControl = checkbox("Visitor consented to control");
  const site = h("input", { id: fieldId("site"), spellcheck: "false", autocomplete: "off" });
  const origin = h("input", { id: fieldId("origin"), spellcheck: "false", autocomplete: "off", placeholder: "https://shop.example" });

  const actionHint = h("p", { class: "hint", id: `${actionId}-hint` });
  const actionField = h("div", { class: "field" }, h("label", { for: actionId }, "Action"), action, actionHint);
  const describe = () => {
    actionHint.textContent = policy.actions.find((a) => a.action === action.value)?.description ?? "";
  };
  const roleField = labelled("Role", role);
  const consents = h("div", { class: "checks" }, consentView.row, consentControl.row);
  const agentFacts = h(
    "fieldset",
    { class: "facts-set" },
    h("legend", {}, "The situation"),
    h("div", { class: "checks" }, mfa.row, assigned.row),
    labelled("Co-browse mode the visitor granted", granted),
    consents,
  );
  const visitorFacts = h(
    "fieldset",
    { class: "facts-set", hidden: true },
    h("legend", {}, "The visitor connection"),
    labelled("Site (sites.yaml id)", site),
    labelled("Origin", origin),
  );
  const syncFacts = () => {
    const visitor = action.value.startsWith("visitor:");
    agentFacts.hidden = visitor;
    roleField.hidden = visitor;
    visitorFacts.hidden = !visitor;
    // Consent to view matters for visitor:share too: move that one checkbox where it is visible.
    if (visitor) visitorFacts.append(consentView.row);
    else consents.prepend(consentView.row);
    describe();
  };
  action.addEventListener("change", syncFacts);

  const output = h("div", { "aria-live": "polite" });
  const status = statusRegion();
  const button = h("button", { type: "submit", class: "button primary" }, "Explain");
  const form = h("form", { class: "explain-form", novalidate: true }, h("div", { class: "explain-fields" }, h("div", {}, actionField, roleField), agentFacts, visitorFacts), h("div", { class: "actions" }, button), status.el);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    button.disabled = true;
    status.clear();
    const path = explainPath({
      role: role.value,
      action: action.value,
      mfa: mfa.input.checked,
      assigned: assigned.input.checked,
      grantedMode: granted.value === "view" || granted.value === "control" ? granted.value : "",
      consentView: consentView.input.checked,
      consentControl: consentControl.input.checked,
      siteId: site.value.trim(),
      origin: origin.value.trim(),
    });
    api
      .get(path, explanationSchema)
      .then((x) => {
        if (!signal.aborted) replaceChildren(output, result(x));
      })
      .catch((err: unknown) => status.error(err))
      .finally(() => {
        button.disabled = false;
      });
  });
  syncFacts();
  return h(
    "section",
    { class: "panel", "aria-labelledby": "explain-title" },
    h("h2", { id: "explain-title" }, "Explain a decision"),
    h("p", { class: "hint" }, "Pick a role and an action to see what this policy decides, which rule decides it and every step before it. Nothing is changed; the question is recorded in the audit trail."),
    form,
    output,
  );
}
