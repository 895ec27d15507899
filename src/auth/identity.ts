import type { Config } from "../config/schema.js";
import type { Logger } from "../ops/log.js";
import type { Storage } from "../storage/db.js";
import { trailIdentityAudit, type IdentityAudit } from "./audit.js";
import { startDevIdp, type DevIdp } from "./dev-idp/provider.js";
import { identityPolicyFrom, type IdentityPolicy } from "./identity-policy.js";
import type { PolicyEngine } from "../policy/engine.js";
import { LoginTransactions } from "./login-transactions.js";
import { loadMasterKeys } from "./master-keys.js";
import { cidrMatcher, clientAddress, type NetworkMatcher } from "./network.js";
import { RelyingParty } from "./oidc-client.js";
import { SecretBox } from "./secret-box.js";
import { SessionEvents } from "./session-events.js";
import { SessionStore, type Clock } from "./session-store.js";
import { TotpService } from "./totp.js";
import { WsTickets } from "./ws-tickets.js";

export interface IdentityOptions {
  readonly audit?: IdentityAudit;
  /** Injected in tests to move time without waiting. */
  readonly now?: Clock;
}

/** Everything agent identity needs at run time, built once per process. */
export interface Identity {
  readonly policy: IdentityPolicy;
  readonly audit: IdentityAudit;
  readonly now: Clock;
  readonly sessions: SessionStore;
  readonly events: SessionEvents;
  readonly totp: TotpService;
  readonly tickets: WsTickets;
  readonly transactions: LoginTransactions;
  /** The console's origins: publicUrl's origin plus allowedOrigins. */
  readonly consoleOrigins: ReadonlySet<string>;
  /** Present in dev mode with idp=dev. */
  readonly devIdp: DevIdp | undefined;
  relyingParty(): Promise<RelyingParty>;
  /** Whether a client (socket peer + X-Forwarded-For) may use agent surfaces. */
  agentNetworkAllows(peer: string | undefined, forwardedFor: string | undefined): boolean;
  close(): Promise<void>;
}

export interface IdentityDeps {
  readonly config: Config;
  readonly storage: Storage;
  readonly log: Logger;
  readonly policy: PolicyEngine;
}

export async function startIdentity({ config, storage, log, policy: engine }: IdentityDeps, options: IdentityOptions = {}): Promise<Identity> {
  const policy = identityPolicyFrom(engine);
  const audit = options.audit ?? trailIdentityAudit;
  const now = options.now ?? Date.now;
  const events = new SessionEvents();
  const box = await SecretBox.create(loadMasterKeys(config));
  const db = storage.db;
  const publicUrl = new URL(config.publicUrl);

  let devIdp: DevIdp | undefined;
  if (config.idp === "dev") {
    if (config.mode !== "dev") throw new Error("the built-in dev IdP is not allowed in production");
    devIdp = await startDevIdp({ port: config.devIdpPort, airlockUrl: config.publicUrl, log });
    log.info({ issuer: devIdp.issuer }, "dev IdP listening (demo users: see README)");
  }
  const settings = devIdp
    ? { issuer: devIdp.issuer, clientId: devIdp.clientId, clientSecret: devIdp.clientSecret, allowHttpIssuer: true }
    : { issuer: config.oidcIssuer ?? "", clientId: config.oidcClientId ?? "", clientSecret: await oidcClientSecret(config), allowHttpIssuer: false };
  // Discovery is lazy and retried: Airlock starts even when the IdP is briefly unreachable.
  let discovered: Promise<RelyingParty> | undefined;
  const relyingParty = () => {
    discovered ??= RelyingParty.discover({
      ...settings,
      redirectUri: new URL("/auth/callback", publicUrl).href,
      postLogoutRedirectUri: new URL("/console/signed-out", publicUrl).href,
    }).catch((err: unknown) => {
      discovered = undefined;
      throw err;
    });
    return discovered;
  };

  const networkCache = new Map<string, NetworkMatcher>();
  const matcher = (cidrs: readonly string[]) => {
    const key = cidrs.join(",");
    let m = networkCache.get(key);
    if (!m) networkCache.set(key, (m = cidrMatcher(cidrs)));
    return m;
  };

  return {
    policy,
    audit,
    now,
    events,
    sessions: new SessionStore(db, () => policy.session, events, audit, now),
    totp: new TotpService(db, box, () => policy.mfa, audit, now),
    tickets: new WsTickets(db, () => policy.session.wsTicketTtlMs, now),
    transactions: new LoginTransactions(db, now),
    consoleOrigins: new Set([publicUrl.origin, ...config.allowedOrigins]),
    devIdp,
    relyingParty,
    agentNetworkAllows(peer, forwardedFor) {
      const address = clientAddress(peer, forwardedFor, matcher(policy.network.trustedProxies));
      return matcher(policy.network.agentCidrs).contains(address);
    },
    async close() {
      await devIdp?.close();
    },
  };
}

async function oidcClientSecret(config: Config): Promise<string> {
  if (config.oidcClientSecret) return config.oidcClientSecret;
  if (config.oidcClientSecretFile) {
    const { readFile } = await import("node:fs/promises");
    return (await readFile(config.oidcClientSecretFile, "utf8")).trim();
  }
  return "";
}
