import * as z from "zod/mini";
import { api } from "../api.js";
import { formatTime } from "../components/format.js";
import { statusRegion } from "../components/notice.js";
import { pageHeader } from "../components/page-header.js";
import { h, replaceChildren } from "../dom.js";
import { definePage } from "./page.js";

const deliverySchema = z.object({
  id: z.string(),
  subscription: z.string(),
  eventType: z.string(),
  state: z.enum(["pending", "delivered", "dead"]),
  attempts: z.number(),
  lastOutcome: z.nullable(z.string()),
  lastStatusCode: z.nullable(z.number()),
  lastDurationMs: z.nullable(z.number()),
  nextAttemptAt: z.nullable(z.number()),
  createdAt: z.number(),
  updatedAt: z.number(),
});
const listSchema = z.object({
  subscriptions: z.array(z.object({ id: z.string(), host: z.string(), events: z.array(z.string()) })),
  maxAttempts: z.number(),
  deliveries: z.array(deliverySchema),
});
type DeliveryRow = z.infer<typeof deliverySchema>;

/** What the last attempt came to, in words (the log keeps codes). */
function outcomeText(d: DeliveryRow): string {
  const o = d.lastOutcome;
  if (o === null) return "Not tried yet";
  if (o === "delivered") return `Delivered (HTTP ${d.lastStatusCode ?? "2xx"})`;
  if (o.startsWith("http_")) return `Endpoint answered HTTP ${o.slice(5)}`;
  const words: Record<string, string> = {
    timeout: "No answer in time",
    connect_failed: "Could not connect",
    dns_failed: "Host name does not resolve",
    address_refused: "Refused: the endpoint resolves to a private or local address",
    subscription_removed: "The subscription is no longer in the policy",
    secret_missing: "The subscription's secret is missing",
    internal: "Airlock could not prepare the request",
  };
  return words[o] ?? o;
}

const STATE_TEXT: Record<DeliveryRow["state"], string> = { pending: "Waiting to retry", delivered: "Delivered", dead: "Dead-lettered" };

/** Supervisors and admins see webhook deliveries and the dead-letter list, and retry a dead-lettered delivery (audited). */
export const webhooksPage = definePage({
  path: "/console/webhooks",
  title: "Webhooks",
  access: { action: "webhooks:manage" },
  nav: { label: "Webhooks", section: "admin", order: 40, description: "See what Airlock told your CRM, and retry dead-lettered deliveries." },
  render: async ({ signal }) => {
    const status = statusRegion();
    const subscriptions = h("ul", { "data-testid": "webhook-subscriptions" });
    const deadBody = h("tbody");
    const logBody = h("tbody");
    const deadCount = h("p", { class: "hint", "data-testid": "dead-count" });

    const table = (caption: string, heads: readonly string[], body: HTMLElement) =>
      h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": `${caption} (scrolls sideways on a narrow window)` }, h("table", { class: "data-table" }, h("caption", { class: "visually-hidden" }, caption), h("thead", {}, h("tr", {}, heads.map((c) => h("th", { scope: "col" }, c)))), body));

    const load = async () => {
      const [all, dead] = await Promise.all([api.get("/api/v1/webhooks/deliveries", listSchema), api.get("/api/v1/webhooks/deliveries?state=dead", listSchema)]);
      if (signal.aborted) return;
      replaceChildren(
        subscriptions,
        all.subscriptions.length
          ? all.subscriptions.map((s) => h("li", {}, h("span", { class: "strong" }, s.id), ` → ${s.host}: ${s.events.join(", ")}`))
          : h("li", {}, "No subscriptions: policies/webhooks.yaml lists none."),
      );
      const attempts = `${all.maxAttempts} attempt${all.maxAttempts === 1 ? "" : "s"}`;
      deadCount.textContent = `${dead.deliveries.length === 1 ? "1 delivery" : `${dead.deliveries.length} deliveries`} gave up after ${attempts} or a refusal.`;
      replaceChildren(deadBody, dead.deliveries.length ? dead.deliveries.map(deadRow) : h("tr", {}, h("td", { colspan: 5 }, "Nothing is dead-lettered.")));
      replaceChildren(logBody, all.deliveries.length ? all.deliveries.map(logRow) : h("tr", {}, h("td", { colspan: 6 }, "No deliveries yet.")));
    };

    const deadRow = (d: DeliveryRow): HTMLElement => {
      const retry = h("button", { type: "button", class: "button secondary small", "aria-label": `Retry ${d.eventType} to ${d.subscription}` }, "Retry");
      retry.addEventListener("click", () => {
        retry.disabled = true;
        api.post(`/api/v1/webhooks/deliveries/${encodeURIComponent(d.id)}/retry`, {}, z.object({ id: z.string() })).then(
          async () => {
            await load();
            status.show("success", `Queued ${d.eventType} to ${d.subscription} again; it is sent at once.`);
          },
          (err: unknown) => {
            retry.disabled = false;
            status.error(err, "The delivery was not retried.");
          },
        );
      });
      return h(
        "tr",
        { "data-delivery": d.id },
        h("td", {}, h("div", { class: "strong" }, d.eventType), h("div", { class: "hint mono" }, d.id)),
        h("td", {}, d.subscription),
        h("td", {}, outcomeText(d), h("div", { class: "hint" }, `${d.attempts} attempt${d.attempts === 1 ? "" : "s"}`)),
        h("td", {}, formatTime(d.updatedAt)),
        h("td", { class: "actions-cell" }, retry),
      );
    };

    const logRow = (d: DeliveryRow): HTMLElement =>
      h(
        "tr",
        { "data-delivery": d.id },
        h("td", {}, d.eventType),
        h("td", {}, d.subscription),
        h("td", {}, STATE_TEXT[d.state], d.state === "pending" && d.nextAttemptAt !== null ? h("div", { class: "hint" }, `next at ${formatTime(d.nextAttemptAt)}`) : null),
        h("td", {}, outcomeText(d)),
        h("td", { class: "num" }, String(d.attempts)),
        h("td", {}, formatTime(d.updatedAt)),
      );

    await load();
    const refresh = h("button", { type: "button", class: "button secondary", on: { click: () => void load().catch((err: unknown) => status.error(err)) } }, "Refresh");
    return h(
      "div",
      { class: "page" },
      pageHeader("Webhooks", "Signed notices to your CRM about conversations and co-browse sessions. Payloads and answers are never stored here: only status, attempts and timings.", refresh),
      status.el,
      h("section", { class: "panel", "aria-labelledby": "subs-title" }, h("h2", { id: "subs-title" }, "Subscriptions"), subscriptions),
      h("section", { class: "panel", "aria-labelledby": "dead-title" }, h("h2", { id: "dead-title" }, "Dead-letter list"), deadCount, table("Dead-lettered deliveries", ["Event", "Subscription", "Last attempt", "Given up", "Action"], deadBody)),
      h("section", { class: "panel", "aria-labelledby": "log-title" }, h("h2", { id: "log-title" }, "Latest deliveries"), table("Latest deliveries", ["Event", "Subscription", "State", "Last attempt", "Attempts", "Last change"], logBody)),
    );
  },
});
