import type { AgentAction } from "../../../policy/actions.js";
import type { MfaViewer, ReadyViewer, SignedOutViewer, Viewer } from "../viewer.js";

/**
 * Who may open a page, mirroring the server's route rules:
 * - `{ public: true }` — anyone, signed in or not (the signed-out page);
 * - `{ signedOut: true }` — only without a session (the sign-in page; others go to the dashboard);
 * - `{ mfaPending: true }` — a session that still owes the second factor;
 * - `{ action }` — a full session whose permissions (from GET /api/v1/me) include `action`;
 * - `{ anyOf }` — a full session holding at least one of these (a page whose parts need different
 *   permissions, each part shown only to those holding its own).
 * The server checks every API call again; this only decides what the console offers.
 */
export type PageAccess =
  | { readonly public: true }
  | { readonly signedOut: true }
  | { readonly mfaPending: true }
  | { readonly action: AgentAction }
  | { readonly anyOf: readonly AgentAction[] };

/** Whether a full session may open a page with this access rule (false for the signed-out and MFA rules). */
export function grantsPage(access: PageAccess, viewer: ReadyViewer): boolean {
  if ("action" in access) return viewer.can(access.action);
  if ("anyOf" in access) return access.anyOf.some((a) => viewer.can(a));
  return false;
}

type ViewerFor<A extends PageAccess> = A extends { action: AgentAction } | { anyOf: readonly AgentAction[] }
  ? ReadyViewer
  : A extends { mfaPending: true }
    ? MfaViewer
    : A extends { signedOut: true }
      ? SignedOutViewer
      : Viewer;

/** Where a page sits in the navigation. Pages without `nav` are reached by links only. */
export interface PageNav {
  readonly label: string;
  readonly section: NavSection;
  /** Position within the section, smaller first. */
  readonly order: number;
  /** One line for the dashboard's overview of what the viewer can open. */
  readonly description?: string;
}

export type NavSection = "overview" | "work" | "review" | "admin" | "account";

export const navSections: readonly { readonly id: NavSection; readonly label: string }[] = [
  { id: "overview", label: "Overview" },
  { id: "work", label: "Work" },
  { id: "review", label: "Review" },
  { id: "admin", label: "Administration" },
  { id: "account", label: "Account" },
];

export interface PageContext<V extends Viewer = Viewer> {
  readonly viewer: V;
  /** Values of `:name` segments in the page's path. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Every registered page (the dashboard lists those the viewer may open). */
  readonly pages: readonly ConsolePage[];
  /** Aborted when the user leaves the page: close sockets, stop timers, ignore late answers. */
  readonly signal: AbortSignal;
  /** Goes to another console path (pushes history). */
  // Function-valued properties, not methods: pages take them out of the context.
  readonly navigate: (path: string) => void;
  /** Asks the server again who is signed in (after MFA, say), then shows `goTo` or the current path. */
  readonly refreshViewer: (goTo?: string) => Promise<void>;
  /** Ends the session here and at the IdP, then lands on /console/signed-out. */
  readonly signOut: () => Promise<void>;
}

export interface PageDefinition<A extends PageAccess> {
  /** Full path, e.g. `/console/sessions` or `/console/chats/:conversationId`. */
  readonly path: string;
  /** Shown in the browser tab and as the page's heading unless the page renders its own. */
  readonly title: string;
  readonly access: A;
  readonly nav?: PageNav;
  render(ctx: PageContext<ViewerFor<A>>): Node | Promise<Node>;
}

export interface ConsolePage {
  readonly path: string;
  readonly title: string;
  readonly access: PageAccess;
  readonly nav?: PageNav;
  render(ctx: PageContext): Node | Promise<Node>;
}

/** Declares a console page; register it with one line in pages/index.ts. */
export function definePage<A extends PageAccess>(definition: PageDefinition<A>): ConsolePage {
  // The router renders a page only for a viewer that matches its access rule, so the narrowing holds.
  return definition;
}
