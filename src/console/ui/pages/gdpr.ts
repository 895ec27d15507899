import * as z from "zod/mini";
import { api } from "../api.js";
import { field } from "../components/form.js";
import { notice, statusRegion } from "../components/notice.js";
import { pageHeader } from "../components/page-header.js";
import { h, replaceChildren } from "../dom.js";
import type { ReadyViewer } from "../viewer.js";
import { definePage } from "./page.js";

// Data subject requests (GDPR Art. 15/20 export, Art. 17 erasure) for one visitor id. Export
// returns message text, so it needs chatlog:read like a transcript read; erasure needs
// chatlog:erase and a confirmation step. Each part shows only to those holding its permission;
// the server checks again and audits both.

const exportSchema = z.object({ visitorId: z.string(), exportedAt: z.string(), conversations: z.array(z.object({ id: z.string(), messages: z.array(z.unknown()) })) });
const eraseSchema = z.object({ conversations: z.number(), shreddedKeys: z.number() });

const VISITOR_ID = /^[A-Za-z0-9_-]{16,64}$/;
const visitorHint = "The visitor's id, as transcripts and the export show it: 16 to 64 letters, digits, dashes or underscores.";

function visitorInput(name: string): HTMLInputElement {
  return h("input", { name, required: true, minlength: 16, maxlength: 64, pattern: "[A-Za-z0-9_\\-]{16,64}", autocomplete: "off", spellcheck: "false", class: "mono" });
}

/** The visitor id typed, or undefined after saying what is wrong with it. */
function checkedVisitor(input: HTMLInputElement, status: ReturnType<typeof statusRegion>): string | undefined {
  const value = input.value.trim();
  if (VISITOR_ID.test(value)) {
    input.removeAttribute("aria-invalid");
    return value;
  }
  input.setAttribute("aria-invalid", "true");
  status.show("error", value ? "That is not a visitor id. " + visitorHint : "Enter the visitor's id first.");
  input.focus();
  return undefined;
}

function exportPart(): HTMLElement {
  const status = statusRegion();
  const input = visitorInput("export-visitor");
  const result = h("div");
  const button = h("button", { type: "submit", class: "button primary" }, "Export");
  const form = h(
    "form",
    { class: "panel", novalidate: true, "aria-labelledby": "export-title" },
    h("h2", { id: "export-title" }, "Export a visitor's data"),
    h("p", { class: "hint" }, "Everything Airlock stores about the visitor: their conversations with every message, as JSON. Each conversation exported is recorded in the audit trail as a transcript read."),
    field("Visitor id", input, visitorHint, { narrow: true }),
    h("div", { class: "form-actions" }, button),
    status.el,
    result,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    status.clear();
    replaceChildren(result);
    const visitor = checkedVisitor(input, status);
    if (!visitor) return;
    button.disabled = true;
    api
      .post("/api/v1/gdpr/export", { visitor }, exportSchema)
      .then((data) => {
        const href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
        const n = data.conversations.length;
        const messages = data.conversations.reduce((sum, c) => sum + c.messages.length, 0);
        replaceChildren(
          result,
          notice("success", `Exported ${n} conversation${n === 1 ? "" : "s"} with ${messages} message${messages === 1 ? "" : "s"}. `, h("a", { href, download: `airlock-visitor-${visitor}.json`, "data-testid": "export-download" }, "Download the export (JSON)")),
        );
      })
      .catch((err: unknown) => status.error(err, "Nothing was exported."))
      .finally(() => (button.disabled = false));
  });
  return form;
}

function erasePart(): HTMLElement {
  const status = statusRegion();
  const input = visitorInput("erase-visitor");
  const confirmArea = h("div");
  const start = h("button", { type: "submit", class: "button danger" }, "Erase…");
  const form = h(
    "form",
    { class: "panel danger-zone", novalidate: true, "aria-labelledby": "erase-title" },
    h("h2", { id: "erase-title" }, "Erase a visitor's data"),
    h("p", { class: "hint" }, "Destroys the data keys of every conversation of the visitor, then deletes the conversations. Backups can no longer be read either. This cannot be undone."),
    field("Visitor id", input, visitorHint, { narrow: true }),
    h("div", { class: "form-actions" }, start),
    confirmArea,
    status.el,
  );
  const cancel = () => {
    replaceChildren(confirmArea);
    input.disabled = false;
    start.disabled = false;
    status.show("info", "Cancelled. Nothing was erased.");
    start.focus();
  };
  const erase = (visitor: string, yes: HTMLButtonElement) => {
    yes.disabled = true;
    api
      .post("/api/v1/gdpr/erase", { visitor }, eraseSchema)
      .then((r) => {
        replaceChildren(confirmArea);
        input.disabled = false;
        start.disabled = false;
        input.value = "";
        status.show("success", r.conversations === 0 ? `Nothing was stored for visitor ${visitor}; nothing to erase.` : `Erased ${r.conversations} conversation${r.conversations === 1 ? "" : "s"} of visitor ${visitor}; ${r.shreddedKeys} data key${r.shreddedKeys === 1 ? "" : "s"} destroyed.`);
      })
      .catch((err: unknown) => {
        yes.disabled = false;
        status.error(err, "Nothing was erased.");
      });
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    status.clear();
    const visitor = checkedVisitor(input, status);
    if (!visitor) return;
    // The confirmation step: say exactly what will happen, and make Cancel the easy way out.
    input.disabled = true;
    start.disabled = true;
    const yes = h("button", { type: "button", class: "button danger" }, "Yes, erase permanently");
    const no = h("button", { type: "button", class: "button secondary", on: { click: cancel } }, "Cancel");
    yes.addEventListener("click", () => erase(visitor, yes));
    const heading = h("h3", { id: "erase-confirm-title", tabindex: "-1" }, "Erase everything stored about this visitor?");
    replaceChildren(
      confirmArea,
      h(
        "div",
        { class: "confirm-step", role: "group", "aria-labelledby": "erase-confirm-title", "data-testid": "erase-confirm" },
        heading,
        h("p", {}, "Visitor ", h("code", {}, visitor), ": all of their conversations and messages will be destroyed. This cannot be undone."),
        h("div", { class: "form-actions" }, yes, no),
      ),
    );
    heading.focus();
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && confirmArea.firstChild) cancel();
  });
  return form;
}

export const gdprPage = definePage({
  path: "/console/gdpr",
  title: "Data requests",
  access: { anyOf: ["chatlog:erase", "chatlog:read"] },
  nav: { label: "Data requests (GDPR)", section: "admin", order: 30, description: "Export or erase everything stored about one visitor." },
  render: ({ viewer }: { viewer: ReadyViewer }) =>
    h(
      "div",
      { class: "page" },
      pageHeader("Data requests", "Answer a visitor's request to see or delete their data. Airlock stores chats only; co-browsed pages are never stored."),
      h("div", { class: "columns" }, viewer.can("chatlog:read") && exportPart(), viewer.can("chatlog:erase") && erasePart()),
    ),
});
