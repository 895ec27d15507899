import type { TestServer } from "../helpers/server.js";
import { createScimIdp } from "../../src/scim/idp-tokens.js";

export interface ScimAnswer {
  readonly status: number;
  readonly type: string;
  readonly etag: string | null;
  readonly location: string | null;
  readonly wwwAuthenticate: string | null;
  readonly body: Record<string, unknown>;
}

/** An IdP's SCIM client, as Entra ID and Okta call Airlock: bearer token, application/scim+json. */
export class ScimClient {
  constructor(
    readonly base: string,
    readonly token: string,
  ) {}

  async call(method: string, path: string, body?: unknown, init: { contentType?: string; raw?: string; token?: string | null } = {}): Promise<ScimAnswer> {
    const headers: Record<string, string> = { accept: "application/scim+json" };
    const token = init.token === undefined ? this.token : init.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined || init.raw !== undefined) headers["content-type"] = init.contentType ?? "application/scim+json";
    const res = await fetch(`${this.base}/scim/v2${path}`, { method, headers, ...(body !== undefined || init.raw !== undefined ? { body: init.raw ?? JSON.stringify(body) } : {}) });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get("content-type") ?? "",
      etag: res.headers.get("etag"),
      location: res.headers.get("location"),
      wwwAuthenticate: res.headers.get("www-authenticate"),
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }

  list(path: string, query: Record<string, string> = {}): Promise<ScimAnswer> {
    const qs = new URLSearchParams(query).toString();
    return this.call("GET", qs ? `${path}?${qs}` : path);
  }
}

/** Registers a provisioning IdP on `server` (the issuer defaults to its dev IdP) and returns its client. */
export async function scimClientFor(server: TestServer, idp: string, issuer = server.services.identity.devIdp?.issuer ?? "https://idp.example"): Promise<ScimClient> {
  const token = await createScimIdp(server.services.storage.db, idp, issuer);
  return new ScimClient(server.url, token);
}

export const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
export const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
