import type { AssetKind } from "../../../src/relay/sanitizer/asset-url.js";
import type { HttpAgent } from "../../auth/helpers/http-agent.js";
import { signInEnrolled, startIdentityServer } from "../../auth/helpers/login.js";
import { RecordingPeer } from "../../helpers/recording-peer.js";
import type { TestServer } from "../../helpers/server.js";
import { bankSitesYaml, policyDir } from "../../policy/policy-dir.js";

// A co-browse session really running in a test server's relay (a visit opened as a visitor's
// `hello` opens it), and asset proxy URLs signed for it the way its sanitizer signs them:
// bound to the session and valid for `lifetimeMs`. Ending the session kills its URLs.

export interface LiveSession {
  readonly room: string;
  assetUrl(url: string, kind?: AssetKind, lifetimeMs?: number): string;
  end(): void;
}

export function openLiveSession(server: TestServer, origin: string, siteKey: string): LiveSession {
  const opened = server.services.relay.openVisitor(
    new RecordingPeer(),
    { kind: "hello", versions: [1], siteKey, url: `${origin}/`, viewport: { width: 800, height: 600 } },
    origin,
  );
  if (!opened.ok) throw new Error(`the test visit was refused: ${opened.failure.code}`);
  const { visit } = opened;
  const session = visit.cobrowseSessionId;
  return {
    room: session,
    assetUrl: (url, kind = "image", lifetimeMs = 600_000) =>
      server.services.assets.signer.sign({ site: visit.siteId, url, kind, room: session, expires: Math.ceil((Date.now() + lifetimeMs) / 1000) }),
    end: () => visit.room?.end("visitor_ended"),
  };
}

/** Airlock in front of a loopback page host: what the asset proxy suites run against. */
export interface AssetProxyAirlock {
  readonly server: TestServer;
  readonly agent: HttpAgent;
  /** A live session on the bank site, whose asset URLs the agent may fetch. */
  readonly live: LiveSession;
}

/**
 * Airlock (dev IdP, TOTP, SQLite) with the bank site registered at `origins` (the page host's
 * first), the dev-mode loopback exception on, an agent signed in and a session open on the site.
 */
export async function startAssetProxyAirlock(origins: readonly string[], env: Record<string, string> = {}): Promise<AssetProxyAirlock> {
  const server = await startIdentityServer({
    AIRLOCK_POLICY_DIR: policyDir({ "sites.yaml": bankSitesYaml(...origins) }),
    AIRLOCK_ASSET_PROXY_ALLOW_LOOPBACK: "true",
    ...env,
  });
  const { agent } = await signInEnrolled(server, "agent");
  return { server, agent, live: openLiveSession(server, origins[0] ?? "", "bank-site-key-00001") };
}
