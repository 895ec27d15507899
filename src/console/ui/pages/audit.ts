import { api, ApiError } from "../api.js";
import { statusRegion } from "../components/notice.js";
import { pageHeader } from "../components/page-header.js";
import { h, replaceChildren } from "../dom.js";
import { auditPageSchema, auditPath, filterNames, filtersFrom, type AuditEntry, type AuditFilters } from "./audit-api.js";
import { filterForm } from "./audit-filters.js";
import { verifyControl } from "./audit-verify.js";
import { definePage } from "./page.js";

const PAGE_SIZE = 50;

const decisionClass: Readonly<Record<string, string>> = { allow: "good", success: "good", deny: "bad", failure: "bad" };

const pad = (n: number) => String(n).padStart(2, "0");

/** Local date and time to the second: audit entries are often seconds apart. */
function auditTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function row(e: AuditEntry): HTMLElement {
  return h(
    "tr",
    { "data-seq": e.seq },
    h("td", { class: "num" }, String(e.seq)),
    h("td", { class: "nowrap" }, h("time", { datetime: new Date(e.at).toISOString() }, auditTime(e.at))),
    h(
      "td",
      { class: e.actorName ? "" : "mono" },
      // An agent by name, the recorded id below in small print (filters take the id).
      e.actorName ? [h("div", {}, e.actorName), h("div", { class: "hint mono" }, e.actor)] : h("div", {}, e.actor),
      e.sourceAddress ? h("div", { class: "hint" }, `from ${e.sourceAddress}`) : null,
    ),
    h("td", { class: "mono nowrap" }, e.action),
    h("td", { class: "mono" }, e.target ?? "—"),
    h("td", {}, h("span", { class: `badge decision ${decisionClass[e.decision] ?? "neutral"}` }, e.decision), e.rule ? h("div", { class: "hint mono" }, e.rule) : null),
  );
}

/** A refused filter names each bad parameter (the server lists them); other failures need no lead. */
function filterLead(err: unknown): string | undefined {
  if (err instanceof ApiError && err.code === "bad_request" && Array.isArray(err.details.issues)) {
    const issues = err.details.issues as { parameter?: unknown; message?: unknown }[];
    return `Check the filters: ${issues.map((i) => `${String(i.parameter)}: ${String(i.message)}`).join("; ")}.`;
  }
  return undefined;
}

/** Auditors and admins read the hash-chained audit trail, filter it and verify the chain. */
export const auditPage = definePage({
  path: "/console/audit",
  title: "Audit",
  access: { action: "audit:read" },
  nav: { label: "Audit", section: "review", order: 20, description: "Read, filter and verify the hash-chained audit trail." },
  render: ({ query, signal, navigate }) => {
    const filters = filtersFrom(query);
    const status = statusRegion();
    const body = h("tbody");
    const summary = h("p", { class: "hint", "aria-live": "polite" });
    const more = h("button", { type: "button", class: "button secondary audit-more", hidden: true }, "Load older entries");
    let before: number | null = null;
    let shown = 0;

    const load = async () => {
      more.disabled = true;
      try {
        const page = await api.get(auditPath(filters, before, PAGE_SIZE), auditPageSchema);
        if (signal.aborted) return;
        if (shown === 0 && page.entries.length === 0) replaceChildren(body, h("tr", {}, h("td", { colspan: 6 }, "No entries match these filters.")));
        else body.append(...page.entries.map(row));
        shown += page.entries.length;
        before = page.nextBefore;
        more.hidden = before === null;
        summary.textContent = `${shown} ${shown === 1 ? "entry" : "entries"} shown, newest first${before === null ? "" : "; older ones follow"}.`;
      } catch (err) {
        status.error(err, filterLead(err));
      } finally {
        more.disabled = false;
      }
    };
    more.addEventListener("click", () => void load());

    const apply = (next: AuditFilters) => {
      const params = new URLSearchParams();
      for (const name of filterNames) if (next[name]) params.set(name, next[name]);
      const search = params.toString();
      navigate(`/console/audit${search ? `?${search}` : ""}`);
    };
    const verify = verifyControl(signal);
    void load();
    return h(
      "div",
      { class: "page" },
      pageHeader("Audit", "Every security-relevant event, hash-chained so that a removed, reordered or altered entry shows. Reading it is recorded too.", verify.button),
      verify.result,
      h("section", { class: "panel" }, filterForm(filters, apply)),
      status.el,
      summary,
      h(
        "div",
        { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Audit entries (scrolls sideways on a narrow window)" },
        h(
          "table",
          { class: "data-table audit-table" },
          h("caption", { class: "visually-hidden" }, "Audit entries, newest first"),
          h("thead", {}, h("tr", {}, ["#", "Time", "Actor", "Action", "Target", "Decision and rule"].map((c) => h("th", { scope: "col" }, c)))),
          body,
        ),
      ),
      h("div", { class: "actions more" }, more),
    );
  },
});
