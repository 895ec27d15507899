// What lets the next page of the same site, in the same tab, continue the visit (its chat, and
// a co-browse session if one runs). sessionStorage is per tab and per origin, and forgotten when
// the tab closes: nothing follows the visitor into another visit.

const KEY = "airlock.cobrowse.resume";

export interface ResumeState {
  /** Single-use token for the next `resume`; the server hands out a new one with every welcome. */
  readonly token: string;
  /** The visit's random id (the server's; informational: the token is what resumes). */
  readonly visit: string;
  /** The co-browse session the consent below was given in; another session asks again. */
  readonly session: string;
  /** Consent the visitor gave in that session, so the next page does not ask again. */
  readonly consent: "view" | "control" | "none";
  /** Display name of the agent the visitor consented to, for the bar on the next page. */
  readonly agent: string;
}

const idPattern = /^[A-Za-z0-9_-]{0,64}$/;

export function loadResume(): ResumeState | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const v = JSON.parse(raw) as Partial<ResumeState>;
    if (typeof v.token !== "string" || v.token.length < 16 || v.token.length > 512) return undefined;
    const visit = typeof v.visit === "string" && idPattern.test(v.visit) ? v.visit : "";
    const session = typeof v.session === "string" && idPattern.test(v.session) ? v.session : "";
    const consent = session && (v.consent === "view" || v.consent === "control") ? v.consent : "none";
    const agent = typeof v.agent === "string" ? v.agent.slice(0, 80) : "";
    return { token: v.token, visit, session, consent, agent };
  } catch {
    return undefined;
  }
}

export function saveResume(state: ResumeState): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(state));
  } catch {
    // storage may be disabled; the next page then starts a new visit
  }
}

export function clearResume(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // as above
  }
}
