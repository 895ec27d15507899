import { GROUP_SCHEMA_URN, USER_SCHEMA_URN } from "./filter/attributes.js";
import type { ScimResource } from "./filter/evaluate.js";
import type { ScimGroupTable, ScimUserTable } from "./tables.js";

// How stored rows are shown as SCIM resources (RFC 7643 §4): the one rendering used for answers,
// for filtering, and as the starting point of a PATCH.

export interface Rendering {
  /** `${publicUrl}/scim/v2`, for meta.location. */
  readonly base: string;
}

export const etagOf = (version: number) => `W/"${version}"`;

function parseEmails(json: string): Array<{ value: string; type?: string; primary?: boolean }> {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? (v as Array<{ value: string; type?: string; primary?: boolean }>) : [];
  } catch {
    return [];
  }
}

export function renderUser(row: ScimUserTable, groups: ReadonlyArray<{ id: string; displayName: string }>, r: Rendering): ScimResource {
  const name = row.given_name !== null || row.family_name !== null
    ? { name: { ...(row.given_name !== null ? { givenName: row.given_name } : {}), ...(row.family_name !== null ? { familyName: row.family_name } : {}) } }
    : {};
  return {
    schemas: [USER_SCHEMA_URN],
    id: row.id,
    ...(row.external_id !== null ? { externalId: row.external_id } : {}),
    userName: row.user_name,
    ...name,
    ...(row.display_name !== null ? { displayName: row.display_name } : {}),
    emails: parseEmails(row.emails_json),
    active: row.active === 1,
    groups: groups.map((g) => ({ value: g.id, display: g.displayName, $ref: `${r.base}/Groups/${g.id}` })),
    meta: {
      resourceType: "User",
      created: new Date(Number(row.created_at)).toISOString(),
      lastModified: new Date(Number(row.updated_at)).toISOString(),
      version: etagOf(row.version),
      location: `${r.base}/Users/${row.id}`,
    },
  };
}

export function renderGroup(row: ScimGroupTable, members: ReadonlyArray<{ id: string; display: string }> | undefined, r: Rendering): ScimResource {
  return {
    schemas: [GROUP_SCHEMA_URN],
    id: row.id,
    ...(row.external_id !== null ? { externalId: row.external_id } : {}),
    displayName: row.display_name,
    ...(members ? { members: members.map((m) => ({ value: m.id, display: m.display, type: "User", $ref: `${r.base}/Users/${m.id}` })) } : {}),
    meta: {
      resourceType: "Group",
      created: new Date(Number(row.created_at)).toISOString(),
      lastModified: new Date(Number(row.updated_at)).toISOString(),
      version: etagOf(row.version),
      location: `${r.base}/Groups/${row.id}`,
    },
  };
}
