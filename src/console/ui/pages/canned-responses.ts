import * as z from "zod/mini";
import { api } from "../api.js";
import { PLACEHOLDERS } from "../chat/placeholders.js";
import { field } from "../components/form.js";
import { statusRegion } from "../components/notice.js";
import { pageHeader } from "../components/page-header.js";
import { h, replaceChildren } from "../dom.js";
import { definePage } from "./page.js";

const responseSchema = z.object({ id: z.string(), team: z.string(), title: z.string(), body: z.string() });
const listSchema = z.object({ responses: z.array(responseSchema) });
const createdSchema = z.object({ id: z.string() });
type CannedResponse = z.infer<typeof responseSchema>;

const EVERYONE = "*";
const teamLabel = (team: string) => (team === EVERYONE ? "Everyone" : team);

/**
 * Supervisors write the canned responses agents insert into chats (with "/" in the composer),
 * per team (an IdP group, or * for everyone): a form on the left, the responses on the right.
 */
export const cannedResponsesPage = definePage({
  path: "/console/canned-responses",
  title: "Canned responses",
  access: { action: "chat:supervise" },
  nav: { label: "Canned responses", section: "work", order: 30, description: "Write the replies agents insert into chats, per team." },
  render: async ({ signal }) => {
    const status = statusRegion();
    const list = h("ul", { class: "canned-items", "aria-labelledby": "responses-title" });
    const count = h("p", { class: "hint canned-count" });
    let editing: CannedResponse | undefined;

    const team = h("input", { name: "team", value: EVERYONE, required: true, maxlength: 128, autocomplete: "off" });
    const title = h("input", { name: "title", required: true, maxlength: 120, autocomplete: "off" });
    const body = h("textarea", { name: "body", required: true, maxlength: 2000, rows: 7 });
    const formTitle = h("h2", { id: "form-title" }, "New response");
    const save = h("button", { type: "submit", class: "button primary" }, "Save response");
    const cancelEdit = h("button", { type: "button", class: "button secondary", hidden: true }, "Cancel editing");

    const resetForm = () => {
      editing = undefined;
      formTitle.textContent = "New response";
      save.textContent = "Save response";
      team.disabled = false;
      team.value = EVERYONE;
      title.value = "";
      body.value = "";
      cancelEdit.hidden = true;
    };
    cancelEdit.addEventListener("click", () => {
      resetForm();
      title.focus();
    });

    const edit = (r: CannedResponse) => {
      editing = r;
      formTitle.textContent = `Edit "${r.title}"`;
      save.textContent = "Save changes";
      team.value = r.team;
      team.disabled = true; // a response keeps its team; delete and recreate to move it
      title.value = r.title;
      body.value = r.body;
      cancelEdit.hidden = false;
      status.clear();
      title.focus();
    };

    const item = (r: CannedResponse): HTMLElement => {
      const actions = h("div", { class: "actions" });
      const editButton = h("button", { type: "button", class: "button secondary small", "aria-label": `Edit ${r.title}`, on: { click: () => edit(r) } }, "Edit");
      const deleteButton = () => h("button", { type: "button", class: "button secondary small", "aria-label": `Delete ${r.title}`, on: { click: confirmDelete } }, "Delete");
      const reset = () => replaceChildren(actions, editButton, deleteButton());
      function confirmDelete() {
        const yes = h("button", { type: "button", class: "button danger small", on: { click: remove } }, "Yes, delete");
        const no = h("button", { type: "button", class: "button secondary small", on: { click: reset } }, "Cancel");
        replaceChildren(actions, h("span", { class: "confirm" }, "Delete this response?", yes, no));
        yes.focus();
      }
      function remove() {
        api.delete(`/api/v1/chat/canned-responses/${encodeURIComponent(r.id)}`).then(
          async () => {
            if (editing?.id === r.id) resetForm();
            await load();
            status.show("success", `Deleted "${r.title}".`);
          },
          (err: unknown) => {
            reset();
            status.error(err, `"${r.title}" was not deleted.`);
          },
        );
      }
      reset();
      return h(
        "li",
        { class: "canned-item", "data-response": r.id },
        h("div", { class: "canned-item-head" }, h("h3", {}, r.title), h("span", { class: "badge" }, teamLabel(r.team))),
        actions,
        h("p", { class: "canned-item-body" }, r.body),
      );
    };

    const load = async () => {
      const { responses } = await api.get("/api/v1/chat/canned-responses/all", listSchema);
      if (signal.aborted) return;
      const sorted = [...responses].sort((a, b) => a.title.localeCompare(b.title));
      count.textContent = responses.length === 1 ? "1 response" : `${responses.length} responses`;
      replaceChildren(list, sorted.length === 0 ? h("li", { class: "hint" }, "No canned responses yet. Write the first one with the form.") : sorted.map(item));
    };

    const form = h(
      "form",
      { class: "panel canned-form", novalidate: true, "aria-labelledby": "form-title" },
      formTitle,
      field("Team", team, "An IdP group name, or * for everyone."),
      field("Title", title, "What agents search for after typing /."),
      field("Text", body, "What the agent inserts; they can still change it before sending."),
      h(
        "div",
        { class: "placeholders", role: "note", "aria-labelledby": "placeholders-title" },
        h("p", { id: "placeholders-title", class: "hint strong" }, "Placeholders, filled in when an agent inserts the response"),
        h("ul", { class: "placeholder-list hint" }, PLACEHOLDERS.map((p) => h("li", {}, h("code", {}, p.token), ` ${p.meaning}`))),
      ),
      h("div", { class: "form-actions" }, save, cancelEdit),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const missing = [title, body, team].find((i) => !i.value.trim());
      for (const i of [title, body, team]) {
        if (i.value.trim()) i.removeAttribute("aria-invalid");
        else i.setAttribute("aria-invalid", "true");
      }
      if (missing) {
        status.show("error", "Fill in the team, the title and the text.");
        missing.focus();
        return;
      }
      save.disabled = true;
      const payload = { title: title.value.trim(), body: body.value };
      const request = editing
        ? api.put(`/api/v1/chat/canned-responses/${encodeURIComponent(editing.id)}`, payload)
        : api.post("/api/v1/chat/canned-responses", { team: team.value.trim(), ...payload }, createdSchema);
      const what = editing ? "Changes saved." : `Saved "${payload.title}".`;
      request
        .then(async () => {
          resetForm();
          await load();
          status.show("success", what);
        })
        .catch((err: unknown) => status.error(err, "The response was not saved."))
        .finally(() => (save.disabled = false));
    });

    await load();
    return h(
      "div",
      { class: "page" },
      pageHeader("Canned responses", "Replies agents insert into a chat: they type / in the message box and search by title or text."),
      status.el,
      h(
        "div",
        { class: "canned-layout" },
        form,
        h("section", { class: "panel", "aria-labelledby": "responses-title" }, h("h2", { id: "responses-title" }, "Responses"), count, list),
      ),
    );
  },
});
