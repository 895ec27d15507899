// The resume token lets the next page of the same site, in the same tab, continue the session
// (sessionStorage is per tab and per origin, and forgotten when the tab closes).

const KEY = "airlock.cobrowse.resume";

export interface ResumeState {
  readonly token: string;
  /** Consent the visitor gave in this session, so the next page does not ask again. */
  readonly consent: "view" | "control" | "none";
  /** Display name of the agent the visitor consented to, for the bar on the next page. */
  readonly agent: string;
}

export function loadResume(): ResumeState | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const v = JSON.parse(raw) as Partial<ResumeState>;
    if (typeof v.token !== "string" || v.token.length < 16 || v.token.length > 512) return undefined;
    const consent = v.consent === "view" || v.consent === "control" ? v.consent : "none";
    const agent = typeof v.agent === "string" ? v.agent.slice(0, 80) : "";
    return { token: v.token, consent, agent };
  } catch {
    return undefined;
  }
}

export function saveResume(state: ResumeState): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(state));
  } catch {
    // storage may be disabled; the next page then starts a new session
  }
}

export function clearResume(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // as above
  }
}
