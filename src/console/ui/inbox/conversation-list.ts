import { formatTime } from "../components/format.js";
import { h, replaceChildren } from "../dom.js";
import { clockText } from "./clock-text.js";

// The inbox's left pane: conversations in four folders (Waiting, Mine, Team, Closed) with their
// counts, the longest wait, and a list an agent drives from the keyboard: ↑/↓ (Home/End) move,
// Enter opens. The list is one focus stop (a listbox with an active descendant), so Tab goes on
// to the conversation instead of walking every row.

export type Folder = "waiting" | "mine" | "team" | "closed";

export interface InboxConversation {
  readonly id: string;
  readonly visitor: string;
  readonly visitorName: string;
  readonly site: string;
  readonly state: "queued" | "offline" | "active" | "ended";
  readonly assignedAgent: string | null;
  readonly createdAt: number;
  /** This agent takes part (handles it, or joined as a supervisor). */
  readonly joined: boolean;
  /** When it ended (for the Closed folder's order). */
  readonly endedAt?: number;
}

const folders: readonly { readonly id: Folder; readonly label: string; readonly empty: string }[] = [
  { id: "waiting", label: "Waiting", empty: "Nobody is waiting." },
  { id: "mine", label: "Mine", empty: "No conversation is assigned to you." },
  { id: "team", label: "Team", empty: "No colleague is in a conversation." },
  { id: "closed", label: "Closed", empty: "None of your conversations has ended yet." },
];

export function folderOf(c: InboxConversation, me: string): Folder {
  if (c.state === "queued" || c.state === "offline") return "waiting";
  if (c.state === "ended") return "closed";
  return c.assignedAgent === me || c.joined ? "mine" : "team";
}

export interface ConversationListOptions {
  readonly me: string;
  /** Opens a conversation in the middle pane (click or Enter). */
  readonly open: (id: string) => void;
  /** A colleague's name for Team rows. */
  readonly agentName: (agentId: string) => string | undefined;
  /** Loads the next page of older closed conversations (the Closed folder's "Show older"). */
  readonly loadOlderClosed?: () => void;
  readonly now?: () => number;
}

export class ConversationList {
  readonly element: HTMLElement;
  readonly #items = new Map<string, InboxConversation>();
  readonly #buttons = new Map<Folder, HTMLButtonElement>();
  readonly #list: HTMLUListElement;
  readonly #longest: HTMLElement;
  readonly #older: HTMLButtonElement;
  readonly #now: () => number;
  #olderClosed = false;
  #folder: Folder = "waiting";
  /** The row the keyboard is on, and the conversation open in the middle pane. */
  #active: string | undefined;
  #open: string | undefined;

  constructor(private readonly o: ConversationListOptions) {
    this.#now = o.now ?? Date.now;
    const bar = h("div", { class: "inbox-folders", role: "group", "aria-label": "Folders" });
    for (const f of folders) {
      const button = h("button", { type: "button", class: "inbox-folder", "data-folder": f.id, "aria-pressed": "false", on: { click: () => this.showFolder(f.id) } });
      this.#buttons.set(f.id, button);
      bar.append(button);
    }
    this.#longest = h("p", { class: "inbox-longest", "data-testid": "longest-wait" });
    this.#list = h("ul", { class: "inbox-list", role: "listbox", tabindex: "0", "aria-label": "Waiting conversations", on: { keydown: (e) => this.#key(e) } });
    this.#older = h("button", { type: "button", class: "button secondary small inbox-older", hidden: true, on: { click: () => o.loadOlderClosed?.() } }, "Show older");
    this.element = h("section", { class: "inbox-pane inbox-conversations", "aria-label": "Conversations" }, h("h2", { class: "visually-hidden" }, "Conversations"), bar, this.#longest, this.#list, this.#older);
    this.render();
  }

  get folder(): Folder {
    return this.#folder;
  }

  get(id: string): InboxConversation | undefined {
    return this.#items.get(id);
  }

  all(): InboxConversation[] {
    return [...this.#items.values()];
  }

  upsert(c: InboxConversation): void {
    this.#items.set(c.id, c);
    this.render();
  }

  /** Whether the server has older closed conversations than those listed ("Show older" in the Closed folder). */
  setOlderClosed(more: boolean): void {
    this.#olderClosed = more;
    this.render();
  }

  clear(): void {
    this.#items.clear();
    this.#active = this.#open = undefined;
    this.render();
  }

  showFolder(folder: Folder): void {
    this.#folder = folder;
    const rows = this.#rows();
    if (!rows.some((c) => c.id === this.#active)) this.#active = rows.find((c) => c.id === this.#open)?.id ?? rows[0]?.id;
    this.render();
  }

  /** Marks the conversation open in the middle pane and shows its folder. */
  markOpen(id: string | undefined): void {
    this.#open = id;
    const c = id ? this.#items.get(id) : undefined;
    if (c) {
      this.#folder = folderOf(c, this.o.me);
      this.#active = id;
    }
    this.render();
  }

  focus(): void {
    this.#list.focus();
  }

  /** Redraws counts, waits and rows (every second: waits grow live). */
  render(): void {
    const now = this.#now();
    const counts = new Map<Folder, number>(folders.map((f) => [f.id, 0]));
    for (const c of this.#items.values()) counts.set(folderOf(c, this.o.me), (counts.get(folderOf(c, this.o.me)) ?? 0) + 1);
    for (const f of folders) {
      const button = this.#buttons.get(f.id);
      if (!button) continue;
      button.setAttribute("aria-pressed", String(f.id === this.#folder));
      replaceChildren(button, f.label, " ", h("span", { class: "inbox-count", "data-testid": `count-${f.id}` }, String(counts.get(f.id) ?? 0)));
    }
    const waiting = [...this.#items.values()].filter((c) => folderOf(c, this.o.me) === "waiting");
    const oldest = Math.min(...waiting.map((c) => c.createdAt));
    // Nobody waiting: the Waiting count says 0 and the empty folder says so once; no second line.
    this.#longest.hidden = waiting.length === 0;
    this.#longest.textContent = waiting.length ? `Longest wait ${clockText(now - oldest)}` : "";
    this.#longest.dataset.urgent = String(waiting.length > 0 && now - oldest > 120_000);

    this.#older.hidden = !(this.#folder === "closed" && this.#olderClosed);

    const rows = this.#rows();
    const label = folders.find((f) => f.id === this.#folder)?.label ?? "";
    this.#list.setAttribute("aria-label", `${label} conversations`);
    if (!rows.some((c) => c.id === this.#active)) this.#active = rows[0]?.id;
    if (this.#active) this.#list.setAttribute("aria-activedescendant", optionId(this.#active));
    else this.#list.removeAttribute("aria-activedescendant");
    // A listbox must hold options: an empty folder is a plain list with one sentence in it.
    this.#list.setAttribute("role", rows.length === 0 ? "list" : "listbox");
    replaceChildren(
      this.#list,
      rows.length === 0 ? h("li", { class: "inbox-empty" }, folders.find((f) => f.id === this.#folder)?.empty ?? "") : rows.map((c) => this.#row(c, now)),
    );
  }

  #rows(): InboxConversation[] {
    const rows = [...this.#items.values()].filter((c) => folderOf(c, this.o.me) === this.#folder);
    // Waiting: longest wait first. Closed: latest first. Otherwise the order they began.
    if (this.#folder === "closed") return rows.sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0));
    return rows.sort((a, b) => a.createdAt - b.createdAt);
  }

  #row(c: InboxConversation, now: number): HTMLElement {
    const detail =
      c.state === "offline"
        ? "Offline message"
        : c.state === "queued"
          ? `Waiting ${clockText(now - c.createdAt)}`
          : c.state === "ended"
            ? c.endedAt
              ? `Ended ${formatTime(c.endedAt)}`
              : "Ended"
            : c.assignedAgent === this.o.me
              ? `Yours · since ${clockText(now - c.createdAt)}`
              : `With ${this.o.agentName(c.assignedAgent ?? "") ?? "a colleague"}`;
    return h(
      "li",
      {
        id: optionId(c.id),
        role: "option",
        class: "inbox-row",
        "data-conversation": c.id,
        "aria-selected": String(c.id === this.#active),
        ...(c.id === this.#open ? { "aria-current": "true" } : {}),
        on: { click: () => this.#choose(c.id) },
      },
      h("span", { class: "inbox-row-name" }, c.visitorName),
      h("span", { class: "inbox-row-detail" }, detail),
    );
  }

  #choose(id: string): void {
    this.#active = id;
    this.o.open(id);
  }

  #key(e: KeyboardEvent): void {
    const rows = this.#rows();
    if (rows.length === 0) return;
    const at = Math.max(0, rows.findIndex((c) => c.id === this.#active));
    const to = e.key === "ArrowDown" ? Math.min(rows.length - 1, at + 1) : e.key === "ArrowUp" ? Math.max(0, at - 1) : e.key === "Home" ? 0 : e.key === "End" ? rows.length - 1 : undefined;
    if (to !== undefined) {
      e.preventDefault();
      this.#active = rows[to]?.id;
      this.render();
      this.#list.querySelector(`#${CSS.escape(optionId(this.#active ?? ""))}`)?.scrollIntoView({ block: "nearest" });
      return;
    }
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      if (this.#active) this.#choose(this.#active);
    }
  }
}

function optionId(conversation: string): string {
  return `inbox-conversation-${conversation}`;
}
