import { FeatureChannel } from "./feature-channel.js";
import { uiHost, type UiHost } from "./ui/host.js";

// What every visitor feature (co-browsing, the chat widget) gets from the embed: the site key,
// where Airlock is, and the shared UI host. Read once from the `<script src=".../siteconnect.js"
// data-site-key="...">` tag that loaded the script.

export interface VisitorContext {
  readonly siteKey: string;
  /** Airlock's origin, e.g. https://airlock.example.com */
  readonly airlockOrigin: string;
  /** ws(s) URL of an Airlock WebSocket endpoint, e.g. wsUrl("/ws/visitor"). */
  wsUrl(path: string): string;
  /** The shared shadow-root UI host (created on first use). */
  ui(): UiHost;
  /** Features' share of the visit's /ws/visitor connection, which outlives co-browse sessions (chat frames only). */
  readonly channel: FeatureChannel;
  /** A visitor identity token the site's backend put on the embed tag (`data-identity-token`), if any. */
  readonly identityToken?: string;
}

export type Feature = (ctx: VisitorContext) => void;

const siteKeyPattern = /^[A-Za-z0-9_-]{16,64}$/;

export function readEmbed(script: HTMLScriptElement | SVGScriptElement | null): VisitorContext | undefined {
  if (!(script instanceof HTMLScriptElement) || !script.src) return undefined;
  const siteKey = script.dataset.siteKey ?? "";
  if (!siteKeyPattern.test(siteKey)) return undefined;
  const src = new URL(script.src, location.href);
  if (src.protocol !== "https:" && src.protocol !== "http:") return undefined;
  const lang = script.dataset.lang ?? null;
  const identityToken = script.dataset.identityToken;
  return {
    siteKey,
    airlockOrigin: src.origin,
    wsUrl: (path) => `${src.protocol === "https:" ? "wss:" : "ws:"}//${src.host}${path}`,
    ui: () => uiHost(lang),
    channel: new FeatureChannel(),
    ...(identityToken ? { identityToken } : {}),
  };
}
