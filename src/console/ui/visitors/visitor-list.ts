import type { PresenceVisitor } from "../../../protocol/chat-frames.js";
import { VISITOR_QUERY_LIMITS, type VisitorCountsBySite, type VisitorSortKey, type VisitorsChangeFrame, type VisitorsPageFrame } from "../../../protocol/visitor-query-frames.js";
import type { VisitorQuery } from "../../../protocol/visitor-query.js";
import { formatDuration } from "../components/format.js";
import { h, replaceChildren } from "../dom.js";

/** The query id the list uses on the console's socket. */
export const LIST_QUERY = "list";

export interface VisitorListOptions {
  /** Sends the list's query (again) to the server. */
  readonly send: (query: string, filter: VisitorQuery) => void;
  /** What the Chat column says (invitations this agent sent included). */
  readonly chatText: (v: PresenceVisitor) => string;
  /** The row's action (invite), or null. */
  readonly action: (v: PresenceVisitor) => HTMLElement | null;
}

type SortableColumn = { readonly label: string; readonly by: VisitorSortKey; readonly first: "asc" | "desc" };

const columns: readonly (SortableColumn | string)[] = [
  { label: "Visitor", by: "name", first: "asc" },
  { label: "Page", by: "url", first: "asc" },
  { label: "Pages viewed", by: "pagesViewed", first: "desc" },
  "Referrer",
  { label: "Time on site", by: "timeOnSite", first: "desc" },
  "Chat",
  "Co-browse",
];

const chatFilters: readonly { readonly label: string; readonly states?: VisitorQuery["chat"] }[] = [
  { label: "Any" },
  { label: "Not chatting", states: ["none", "ended", "invited"] },
  { label: "Waiting", states: ["queued", "offline"] },
  { label: "Chatting", states: ["active"] },
  { label: "Invited", states: ["invited"] },
];

const PAGE_SIZES = [25, 50, VISITOR_QUERY_LIMITS.maxPageSize] as const;

/**
 * The live visitor list of one site as a server-side query: the agent filters (page address,
 * chat and co-browse state, time on site), sorts by a column and pages; the server sends this
 * page and its changes only, plus the site's counts. Filters and order stay while the agent
 * moves between sites; the page goes back to the first one when a filter changes.
 */
export class VisitorList {
  readonly element: HTMLElement;
  readonly #body = h("tbody");
  readonly #head = h("tr");
  readonly #counts = h("p", { class: "visitor-counts", role: "status" });
  readonly #pager = h("nav", { class: "visitor-pager", "aria-label": "Pages of the visitor list" });
  readonly #urlInput = h("input", { type: "search", name: "url", autocomplete: "off", spellcheck: "false", placeholder: "/checkout" });
  readonly #chatSelect = h("select", { name: "chat" }, chatFilters.map((f, i) => h("option", { value: String(i) }, f.label)));
  readonly #cobrowseSelect = h("select", { name: "cobrowse" }, h("option", { value: "" }, "Any"), h("option", { value: "active" }, "Co-browsing"), h("option", { value: "none" }, "Not co-browsing"));
  readonly #minutesSelect = h("select", { name: "minutes" }, [0, 1, 5, 15, 30].map((m) => h("option", { value: String(m) }, m === 0 ? "Any time" : `${m} min or more`)));
  readonly #sizeSelect = h("select", { name: "size" }, PAGE_SIZES.map((n) => h("option", { value: String(n) }, String(n))));
  #site = "";
  #sort: VisitorQuery["sort"] = { by: "timeOnSite", order: "desc" };
  #offset = 0;
  #rows: PresenceVisitor[] = [];
  #total = 0;
  #typing: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: VisitorListOptions) {
    this.#urlInput.addEventListener("input", () => {
      clearTimeout(this.#typing);
      this.#typing = setTimeout(() => this.#filtersChanged(), 300);
    });
    for (const select of [this.#chatSelect, this.#cobrowseSelect, this.#minutesSelect, this.#sizeSelect]) select.addEventListener("change", () => this.#filtersChanged());
    const field = (label: string, control: HTMLElement) => h("label", { class: "field" }, h("span", {}, label), control);
    const filters = h(
      "form",
      { class: "visitor-filters", role: "search", "aria-label": "Filter visitors" },
      field("Page address contains", this.#urlInput),
      field("Chat", this.#chatSelect),
      field("Co-browse", this.#cobrowseSelect),
      field("On the site", this.#minutesSelect),
      field("Per page", this.#sizeSelect),
    );
    filters.addEventListener("submit", (e) => (e.preventDefault(), this.#filtersChanged()));
    const table = h(
      "table",
      { class: "data-table" },
      h("caption", { class: "visually-hidden" }, "Visitors on the site now"),
      h("thead", {}, this.#head),
      this.#body,
    );
    this.element = h(
      "div",
      { class: "visitor-list" },
      filters,
      this.#counts,
      h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Visitors on the site (scrolls sideways)" }, table),
      this.#pager,
    );
    this.#renderHead();
    this.render();
  }

  /** Shows another site's visitors (from its first page). */
  setSite(site: string): void {
    this.#site = site;
    this.#offset = 0;
    this.#rows = [];
    this.#total = 0;
    this.send();
  }

  /** Sends the query as it stands (after the socket (re)opens, too). */
  send(): void {
    if (this.#site) this.options.send(LIST_QUERY, this.#query());
  }

  /** A frame of the list's query. */
  receive(f: VisitorsPageFrame | VisitorsChangeFrame): void {
    if (f.query !== LIST_QUERY) return;
    if (f.kind === "visitors-page") {
      this.#rows = f.rows;
      this.#offset = f.offset;
    } else {
      const changed = new Map(f.rows.map((v) => [v.visitor, v]));
      this.#rows = this.#rows.map((v) => changed.get(v.visitor) ?? v);
    }
    this.#total = f.total;
    this.#showCounts(f.counts);
    this.render();
  }

  /** Draws the rows again (time on site moves; invitations change the Chat column). */
  render(): void {
    const now = Date.now();
    replaceChildren(
      this.#body,
      this.#rows.length === 0
        ? h("tr", {}, h("td", { colspan: 8 }, this.#filtered() ? "No visitor matches these filters." : "No visitors on the site right now."))
        : this.#rows.map((v) =>
            h(
              "tr",
              { "data-visitor": v.visitor },
              h("th", { scope: "row" }, v.name),
              h("td", {}, h("span", { class: "chat-page-title" }, v.title || "(untitled)"), h("br"), h("span", { class: "hint" }, v.url)),
              h("td", { class: "num" }, String(v.pagesViewed)),
              h("td", {}, v.referrer || "—"),
              h("td", {}, formatDuration(now - v.startedAt)),
              h("td", {}, this.options.chatText(v)),
              h("td", {}, v.cobrowse === "active" ? "Co-browsing" : "—"),
              h("td", { class: "actions-cell" }, this.options.action(v)),
            ),
          ),
    );
    this.#renderPager();
  }

  #query(): VisitorQuery {
    const chat = chatFilters[Number(this.#chatSelect.value)]?.states;
    const cobrowse = this.#cobrowseSelect.value;
    const minutes = Number(this.#minutesSelect.value);
    const url = this.#urlInput.value.trim().slice(0, VISITOR_QUERY_LIMITS.maxUrlContains);
    return {
      sites: [this.#site],
      ...(url ? { urlContains: url } : {}),
      ...(chat ? { chat } : {}),
      ...(cobrowse === "active" || cobrowse === "none" ? { cobrowse } : {}),
      ...(minutes > 0 ? { minTimeOnSiteMs: minutes * 60_000 } : {}),
      sort: this.#sort,
      offset: this.#offset,
      limit: this.#pageSize(),
    };
  }

  #pageSize(): number {
    return Number(this.#sizeSelect.value) || PAGE_SIZES[0];
  }

  #filtered(): boolean {
    return this.#urlInput.value.trim() !== "" || this.#chatSelect.value !== "0" || this.#cobrowseSelect.value !== "" || this.#minutesSelect.value !== "0";
  }

  #filtersChanged(): void {
    this.#offset = 0;
    this.send();
  }

  #goTo(offset: number): void {
    this.#offset = Math.max(0, Math.min(offset, VISITOR_QUERY_LIMITS.maxOffset));
    this.send();
  }

  #renderHead(): void {
    replaceChildren(
      this.#head,
      columns.map((c) => {
        if (typeof c === "string") return h("th", { scope: "col" }, c);
        const sorted = this.#sort.by === c.by;
        const ariaSort = sorted ? (this.#sort.order === "asc" ? "ascending" : "descending") : "none";
        const button = h("button", { type: "button", class: "sort-button" }, c.label, sorted ? h("span", { "aria-hidden": "true" }, this.#sort.order === "asc" ? " ▲" : " ▼") : null);
        button.addEventListener("click", () => {
          this.#sort = { by: c.by, order: sorted ? (this.#sort.order === "asc" ? "desc" : "asc") : c.first };
          this.#renderHead();
          this.#filtersChanged();
        });
        return h("th", { scope: "col", "aria-sort": ariaSort }, button);
      }),
      h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")),
    );
  }

  #renderPager(): void {
    const size = this.#pageSize();
    const first = this.#rows.length === 0 ? 0 : this.#offset + 1;
    const last = this.#offset + this.#rows.length;
    const previous = h("button", { type: "button", class: "button secondary small", ...(this.#offset === 0 ? { disabled: true } : {}) }, "Previous");
    previous.addEventListener("click", () => this.#goTo(this.#offset - size));
    const noMore = last >= this.#total || this.#offset + size > VISITOR_QUERY_LIMITS.maxOffset;
    const next = h("button", { type: "button", class: "button secondary small", ...(noMore ? { disabled: true } : {}) }, "Next");
    next.addEventListener("click", () => this.#goTo(this.#offset + size));
    replaceChildren(this.#pager, previous, h("span", { class: "hint" }, `${first}–${last} of ${this.#total}`), next);
  }

  #showCounts(counts: VisitorCountsBySite): void {
    const c = counts.sites[this.#site] ?? counts.all;
    const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
    this.#counts.textContent = `${plural(c.visitors, "visitor", "visitors")} on the site · ${c.chatting} chatting · ${c.cobrowsing} co-browsing`;
  }
}
