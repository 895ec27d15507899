import type { ParameterizedContext } from "koa";
import type { RequestState } from "../../http/context.js";
import { etagOf } from "../resources.js";
import { ScimError } from "../errors.js";

export const SCIM_MEDIA_TYPE = "application/scim+json; charset=utf-8";
export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
export const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

type Ctx = ParameterizedContext<RequestState>;

export function respond(ctx: Ctx, status: number, body: unknown, version?: number): void {
  ctx.status = status;
  ctx.type = SCIM_MEDIA_TYPE;
  if (version !== undefined) ctx.set("ETag", etagOf(version));
  ctx.body = JSON.stringify(body);
}

/** A SCIM error body (RFC 7644 §3.12). 401 carries no detail: a wrong token learns nothing. */
export function respondError(ctx: Ctx, err: ScimError): void {
  if (err.status === 401) ctx.set("WWW-Authenticate", 'Bearer realm="airlock-scim"');
  respond(ctx, err.status, { schemas: [ERROR_SCHEMA], status: String(err.status), ...(err.scimType ? { scimType: err.scimType } : {}), detail: err.detail });
}
