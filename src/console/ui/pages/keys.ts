import * as z from "zod/mini";
import { api } from "../api.js";
import { notice, statusRegion } from "../components/notice.js";
import { pageHeader } from "../components/page-header.js";
import { h, replaceChildren } from "../dom.js";
import { definePage } from "./page.js";

const statusSchema = z.object({
  current: z.string(),
  managedByAirlock: z.boolean(),
  keys: z.array(z.object({ id: z.string(), current: z.boolean(), dataKeys: z.number() })),
  dataKeys: z.number(),
});
const rotationSchema = z.object({ currentKeyId: z.string(), generated: z.boolean(), rewrapped: z.number() });

/** Admins see the master keys that wrap chat data keys and rotate to a new one (as `airlock keys rotate` does). */
export const keysPage = definePage({
  path: "/console/keys",
  title: "Key vault",
  access: { action: "keys:manage" },
  nav: { label: "Key vault", section: "admin", order: 20, description: "See the encryption master keys and rotate to a new one." },
  render: async ({ signal }) => {
    const status = statusRegion();
    const summary = h("p", { class: "lead", "data-testid": "key-summary" });
    const body = h("tbody");
    const inline = h("div");
    const load = async () => {
      const s = await api.get("/api/v1/keys", statusSchema);
      if (signal.aborted) return;
      summary.textContent = `Master key ${s.current} is current. It and the keys below wrap ${s.dataKeys} conversation data key${s.dataKeys === 1 ? "" : "s"}.`;
      replaceChildren(
        body,
        s.keys.map((k) =>
          h(
            "tr",
            { "data-key": k.id },
            h("td", { class: "mono strong" }, k.id),
            h("td", {}, k.current ? h("span", { class: "badge badge-current" }, "Current") : h("span", { class: "hint" }, "Decrypts only")),
            h("td", { class: "num" }, String(k.dataKeys)),
          ),
        ),
      );
      replaceChildren(
        inline,
        !s.managedByAirlock &&
          notice("info", "The master key is given inline (masterKey), so Airlock cannot add one. Put the new key where it is managed first; rotating here then re-wraps every data key under it."),
      );
    };

    const confirmArea = h("div");
    const rotate = h("button", { type: "button", class: "button primary" }, "Rotate master key…");
    const cancel = () => {
      replaceChildren(confirmArea);
      rotate.disabled = false;
      rotate.focus();
    };
    rotate.addEventListener("click", () => {
      rotate.disabled = true;
      status.clear();
      const yes = h("button", { type: "button", class: "button primary" }, "Rotate now");
      const no = h("button", { type: "button", class: "button secondary", on: { click: cancel } }, "Cancel");
      const heading = h("h3", { id: "rotate-confirm-title", tabindex: "-1" }, "Rotate to a new master key?");
      yes.addEventListener("click", () => {
        yes.disabled = true;
        no.disabled = true;
        replaceChildren(status.el, notice("info", "Rotating: re-wrapping every data key under the new master key…"));
        api
          .post("/api/v1/keys/rotate", {}, rotationSchema)
          .then(async (r) => {
            replaceChildren(confirmArea);
            rotate.disabled = false;
            await load();
            status.show("success", `Master key ${r.currentKeyId} is now current; ${r.rewrapped} data key${r.rewrapped === 1 ? "" : "s"} re-wrapped under it.`);
          })
          .catch((err: unknown) => {
            yes.disabled = false;
            no.disabled = false;
            status.error(err, "The master key was not rotated.");
          });
      });
      replaceChildren(
        confirmArea,
        h(
          "div",
          { class: "confirm-step", role: "group", "aria-labelledby": "rotate-confirm-title" },
          heading,
          h("p", {}, "Airlock adds a new master key and re-wraps every data key under it while it keeps running. The old key stays to decrypt older backups until you retire it with ", h("code", {}, "airlock keys retire"), "."),
          h("div", { class: "form-actions" }, yes, no),
        ),
      );
      heading.focus();
    });

    await load();
    return h(
      "div",
      { class: "page" },
      pageHeader("Key vault", "Chat messages are encrypted with a key per conversation; master keys wrap those keys. Key material never leaves the server."),
      inline,
      h("section", { class: "panel", "aria-labelledby": "keys-title" }, h("h2", { id: "keys-title" }, "Master keys"), summary,
        h("div", { class: "table-wrap" }, h("table", { class: "data-table" }, h("caption", { class: "visually-hidden" }, "Master keys"), h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Key id"), h("th", { scope: "col" }, "Role"), h("th", { scope: "col", class: "num" }, "Data keys wrapped"))), body))),
      h("section", { class: "panel", "aria-labelledby": "rotate-title" }, h("h2", { id: "rotate-title" }, "Rotation"), h("p", { class: "hint" }, "Rotate when your key policy says so, or at once if a master key may have been exposed. Every rotation is recorded in the audit trail."), h("div", { class: "form-actions" }, rotate), confirmArea, status.el),
    );
  },
});
