// The attributes Airlock's SCIM resources carry, as far as filters and PATCH paths need them:
// type, case sensitivity (RFC 7643 §2.2 caseExact), plurality and sub-attributes. Names are
// matched case-insensitively (RFC 7643 §2.1) and resolved to these canonical spellings.

export interface AttributeDef {
  readonly name: string;
  readonly type: "string" | "boolean" | "dateTime" | "complex";
  readonly caseExact?: boolean;
  readonly multiValued?: boolean;
  /** readOnly attributes (id, meta, groups) cannot be changed by PATCH. */
  readonly readOnly?: boolean;
  readonly subAttributes?: readonly AttributeDef[];
}

export interface ResourceSchema {
  readonly resource: "User" | "Group";
  readonly schemaUrn: string;
  readonly attributes: readonly AttributeDef[];
  /**
   * Attributes of the standard schemas (core and enterprise extension) that Airlock does not keep:
   * a PATCH naming one is accepted and changes nothing (IdPs send them for every user).
   */
  readonly ignoredAttributes: ReadonlySet<string>;
}

export const USER_SCHEMA_URN = "urn:ietf:params:scim:schemas:core:2.0:User";
export const GROUP_SCHEMA_URN = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const ENTERPRISE_USER_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const meta: AttributeDef = {
  name: "meta",
  type: "complex",
  readOnly: true,
  subAttributes: [
    { name: "resourceType", type: "string", caseExact: true },
    { name: "created", type: "dateTime" },
    { name: "lastModified", type: "dateTime" },
    { name: "version", type: "string", caseExact: true },
    { name: "location", type: "string", caseExact: true },
  ],
};
const id: AttributeDef = { name: "id", type: "string", caseExact: true, readOnly: true };
const externalId: AttributeDef = { name: "externalId", type: "string", caseExact: true };

export const userSchema: ResourceSchema = {
  resource: "User",
  schemaUrn: USER_SCHEMA_URN,
  attributes: [
    id,
    externalId,
    meta,
    { name: "userName", type: "string" },
    { name: "displayName", type: "string" },
    {
      name: "name",
      type: "complex",
      subAttributes: [
        { name: "givenName", type: "string" },
        { name: "familyName", type: "string" },
        { name: "formatted", type: "string" },
      ],
    },
    {
      name: "emails",
      type: "complex",
      multiValued: true,
      subAttributes: [
        { name: "value", type: "string" },
        { name: "type", type: "string" },
        { name: "primary", type: "boolean" },
        { name: "display", type: "string" },
      ],
    },
    { name: "active", type: "boolean" },
    {
      name: "groups",
      type: "complex",
      multiValued: true,
      readOnly: true,
      subAttributes: [
        { name: "value", type: "string", caseExact: true },
        { name: "display", type: "string" },
      ],
    },
  ],
  ignoredAttributes: new Set(
    [
      "nickName", "profileUrl", "title", "userType", "preferredLanguage", "locale", "timezone", "password", "phoneNumbers", "ims",
      "photos", "addresses", "entitlements", "roles", "x509Certificates", "name.middleName", "name.honorificPrefix", "name.honorificSuffix",
      // The enterprise extension (Entra ID and Okta send it by default).
      "employeeNumber", "costCenter", "organization", "division", "department", "manager",
    ].map((n) => n.toLowerCase()),
  ),
};

export const groupSchema: ResourceSchema = {
  resource: "Group",
  schemaUrn: GROUP_SCHEMA_URN,
  attributes: [
    id,
    externalId,
    meta,
    { name: "displayName", type: "string" },
    {
      name: "members",
      type: "complex",
      multiValued: true,
      subAttributes: [
        { name: "value", type: "string", caseExact: true },
        { name: "display", type: "string" },
        { name: "type", type: "string" },
        { name: "$ref", type: "string", caseExact: true },
      ],
    },
  ],
  ignoredAttributes: new Set(),
};

export function findAttribute(list: readonly AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  const wanted = name.toLowerCase();
  return list?.find((a) => a.name.toLowerCase() === wanted);
}
