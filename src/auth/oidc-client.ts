import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
import * as oidc from "openid-client";
import { AirlockError } from "../errors.js";
import type { IdentityClaims } from "./agents.js";

export interface RelyingPartySettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
  /** Only the built-in dev IdP over loopback http; never an external IdP. */
  readonly allowHttpIssuer: boolean;
}

export interface AuthorizationStart {
  readonly url: URL;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface VerifiedLogin {
  readonly claims: IdentityClaims;
  readonly sid: string | null;
  readonly amr: readonly string[];
  readonly idToken: string;
}

export interface LogoutNotice {
  readonly issuer: string;
  readonly subject: string | null;
  readonly sid: string | null;
}

const backchannelEvent = "http://schemas.openid.net/event/backchannel-logout";
const idTokenAlgorithms = ["RS256", "PS256", "ES256", "EdDSA"];

/** Airlock as an OIDC relying party: authorization code + PKCE (S256) + state + nonce. */
export class RelyingParty {
  private constructor(
    private readonly settings: RelyingPartySettings,
    private readonly config: oidc.Configuration,
    private readonly jwks: JWTVerifyGetKey,
  ) {}

  static async discover(settings: RelyingPartySettings): Promise<RelyingParty> {
    const config = await oidc.discovery(
      new URL(settings.issuer),
      settings.clientId,
      { id_token_signed_response_alg: "RS256" },
      oidc.ClientSecretBasic(settings.clientSecret),
      // The ID token's signature is checked against the IdP's JWKS even though it comes straight
      // from the token endpoint over TLS (OIDC Core allows skipping that; ASVS V6.8.2 does not).
      { execute: [oidc.enableNonRepudiationChecks, ...(settings.allowHttpIssuer ? [oidc.allowInsecureRequests] : [])] },
    );
    const jwksUri = config.serverMetadata().jwks_uri;
    if (!jwksUri) throw new Error("the IdP publishes no jwks_uri");
    return new RelyingParty(settings, config, createRemoteJWKSet(new URL(jwksUri)));
  }

  get issuer(): string {
    return this.config.serverMetadata().issuer;
  }

  /** The authorization request for one login transaction's secrets (login-transactions.ts). */
  async start({ state, nonce, codeVerifier }: { state: string; nonce: string; codeVerifier: string }): Promise<AuthorizationStart> {
    const url = oidc.buildAuthorizationUrl(this.config, {
      redirect_uri: this.settings.redirectUri,
      scope: "openid profile email groups",
      response_type: "code",
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
      state,
      nonce,
    });
    return { url, state, nonce, codeVerifier };
  }

  /**
   * Exchanges the code and validates the ID token: state, nonce, issuer, audience, signature and
   * expiry are all checked by openid-client; any mismatch is a failed login, never a crash.
   */
  async finish(callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string }): Promise<VerifiedLogin> {
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(this.config, callbackUrl, {
        pkceCodeVerifier: expected.codeVerifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw new AirlockError("unauthenticated", "sign-in could not be completed", { cause: err, details: { reason: loginFailureReason(err) } });
    }
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) throw new AirlockError("unauthenticated", "sign-in could not be completed", { details: { reason: "no_id_token" } });
    const text = (v: unknown) => (typeof v === "string" ? v : undefined);
    // A blank `name` is no name: people are shown by their username then, never by a bare subject id.
    const filled = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
    const groups = Array.isArray(claims.groups) ? claims.groups.filter((g): g is string => typeof g === "string") : [];
    return {
      claims: {
        issuer: claims.iss,
        subject: claims.sub,
        name: (filled(claims.name) ?? filled(claims.preferred_username) ?? claims.sub).slice(0, 255),
        email: text(claims.email)?.slice(0, 320) ?? null,
        groups,
      },
      sid: text(claims.sid) ?? null,
      amr: Array.isArray(claims.amr) ? claims.amr.filter((a): a is string => typeof a === "string") : [],
      idToken: tokens.id_token,
    };
  }

  endSessionUrl(idTokenHint: string | null): URL | undefined {
    if (!this.config.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(this.config, {
      post_logout_redirect_uri: this.settings.postLogoutRedirectUri,
      client_id: this.settings.clientId,
      ...(idTokenHint ? { id_token_hint: idTokenHint } : {}),
    });
  }

  /** Validates an OIDC Back-Channel Logout token (signature, iss, aud, iat, events, no nonce). */
  async verifyLogoutToken(token: string): Promise<LogoutNotice> {
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: this.issuer,
        audience: this.settings.clientId,
        algorithms: idTokenAlgorithms,
        requiredClaims: ["iat", "jti"],
        maxTokenAge: "5m",
      });
      const events = payload.events as Record<string, unknown> | undefined;
      if (!events || typeof events !== "object" || !(backchannelEvent in events)) throw new Error("missing back-channel logout event");
      if ("nonce" in payload) throw new Error("logout token must not carry a nonce");
      const subject = typeof payload.sub === "string" ? payload.sub : null;
      const sid = typeof payload.sid === "string" ? payload.sid : null;
      if (!subject && !sid) throw new Error("logout token names neither sub nor sid");
      return { issuer: this.issuer, subject, sid };
    } catch (err) {
      throw new AirlockError("bad_request", "logout token rejected", { cause: err, details: { reason: "invalid_logout_token" } });
    }
  }
}

function loginFailureReason(err: unknown): string {
  const code = (err as { code?: unknown; error?: unknown } | null)?.error ?? (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code.slice(0, 64) : "token_exchange_failed";
}
