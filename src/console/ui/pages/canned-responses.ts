import * as z from "zod/mini";
import { api } from "../api.js";
import { statusRegion } from "../components/notice.js";
import { pageHeader } from "../components/page-header.js";
import { h, replaceChildren } from "../dom.js";
import { definePage } from "./page.js";

const listSchema = z.object({ responses: z.array(z.object({ id: z.string(), team: z.string(), title: z.string(), body: z.string() })) });
const createdSchema = z.object({ id: z.string() });

/** Supervisors write the canned responses agents insert into chats, per team (an IdP group, or * for everyone). */
export const cannedResponsesPage = definePage({
  path: "/console/canned-responses",
  title: "Canned responses",
  access: { action: "chat:supervise" },
  nav: { label: "Canned responses", section: "work", order: 30, description: "Write the replies agents insert into chats, per team." },
  render: ({ signal }) => {
    const status = statusRegion();
    const list = h("ul", { class: "canned-list" });
    const load = async () => {
      const { responses } = await api.get("/api/v1/chat/canned-responses", listSchema);
      if (signal.aborted) return;
      replaceChildren(
        list,
        responses.length === 0
          ? h("li", { class: "hint" }, "No canned responses yet.")
          : responses.map((r) =>
              h(
                "li",
                {},
                h("strong", {}, r.title),
                h("span", { class: "badge" }, r.team),
                h("p", {}, r.body),
                h("button", { type: "button", class: "button danger small", on: { click: () => void api.delete(`/api/v1/chat/canned-responses/${r.id}`).then(load, (e: unknown) => status.error(e)) } }, "Delete"),
              ),
            ),
      );
    };
    const team = h("input", { name: "team", value: "*", required: true, maxlength: 128 });
    const title = h("input", { name: "title", required: true, maxlength: 120 });
    const body = h("textarea", { name: "body", required: true, maxlength: 2000, rows: 3 });
    const form = h(
      "form",
      {
        class: "panel",
        on: {
          submit: (e: SubmitEvent) => {
            e.preventDefault();
            api.post("/api/v1/chat/canned-responses", { team: team.value, title: title.value, body: body.value }, createdSchema).then(
              () => {
                title.value = "";
                body.value = "";
                status.show("success", "Saved.");
                void load();
              },
              (err: unknown) => status.error(err),
            );
          },
        },
      },
      h("h2", {}, "New response"),
      h("label", { class: "inline-field" }, "Team (IdP group, or * for everyone) ", team),
      h("label", { class: "inline-field" }, "Title ", title),
      h("label", { class: "inline-field" }, "Text ", body),
      h("button", { type: "submit", class: "button" }, "Save"),
    );
    void load().catch((err: unknown) => status.error(err));
    return h("section", {}, pageHeader("Canned responses"), status.el, form, h("section", { class: "panel" }, h("h2", {}, "Responses"), list));
  },
});
