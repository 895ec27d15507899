import { describe, expect, it } from "vitest";
import { ScimError } from "./errors.js";
import { groupSchema, userSchema } from "./filter/attributes.js";
import { applyPatch } from "./patch.js";

const user = { id: "u", userName: "bjensen", active: true, emails: [{ value: "b@example.com", type: "work", primary: true }], name: { givenName: "Barbara" }, groups: [], meta: {} };
const group = { id: "g", displayName: "airlock-agents", members: [{ value: "u1" }, { value: "u2" }], meta: {} };

const scimTypeOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as ScimError).scimType ?? (err as ScimError).status;
  }
  return "accepted";
};

describe("SCIM PATCH (RFC 7644 §3.5.2)", () => {
  it("applies the forms Entra ID sends: capitalised ops, \"False\" as a string, filtered e-mail paths, enterprise attributes ignored", () => {
    const out = applyPatch(userSchema, user, [
      { op: "Replace", path: "active", value: "False" },
      { op: "Add", path: 'emails[type eq "home"].value', value: "b@home.example" },
      { op: "Replace", path: 'emails[type eq "work"].value', value: "new@example.com" },
      { op: "Replace", path: "name.familyName", value: "Jensen" },
      { op: "Add", path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", value: "Support" },
      { op: "Replace", path: "title", value: "Agent" },
    ]);
    expect(out.active).toBe(false);
    expect(out.emails).toEqual([{ value: "new@example.com", type: "work", primary: true }, { type: "home", value: "b@home.example" }]);
    expect(out.name).toEqual({ givenName: "Barbara", familyName: "Jensen" });
    expect(out).not.toHaveProperty("title");
  });

  it("applies the forms Okta sends: a path-less replace of active, member removal by filter, a group replace that repeats id", () => {
    expect(applyPatch(userSchema, user, [{ op: "replace", value: { active: false } }]).active).toBe(false);
    expect(applyPatch(groupSchema, group, [{ op: "remove", path: 'members[value eq "u1"]' }]).members).toEqual([{ value: "u2" }]);
    const renamed = applyPatch(groupSchema, group, [{ op: "replace", value: { id: "g", displayName: "airlock-supervisors" } }]);
    expect(renamed.displayName).toBe("airlock-supervisors");
    expect(renamed.id).toBe("g");
  });

  it("adds members without duplicates and removes them by value list (Entra ID) or all at once", () => {
    expect(applyPatch(groupSchema, group, [{ op: "Add", path: "members", value: [{ value: "u2" }, { value: "u3" }] }]).members).toEqual([{ value: "u1" }, { value: "u2" }, { value: "u3" }]);
    expect(applyPatch(groupSchema, group, [{ op: "Remove", path: "members", value: [{ value: "u1" }] }]).members).toEqual([{ value: "u2" }]);
    expect(applyPatch(groupSchema, group, [{ op: "remove", path: "members" }]).members).toEqual([]);
    expect(applyPatch(groupSchema, group, [{ op: "replace", path: "members", value: [{ value: "u9" }] }]).members).toEqual([{ value: "u9" }]);
  });

  it("refuses read-only, unknown and malformed paths with the RFC's error types", () => {
    expect(scimTypeOf(() => applyPatch(userSchema, user, [{ op: "replace", path: "id", value: "other" }]))).toBe("mutability");
    expect(scimTypeOf(() => applyPatch(userSchema, user, [{ op: "replace", path: "groups", value: [] }]))).toBe("mutability");
    expect(scimTypeOf(() => applyPatch(userSchema, user, [{ op: "replace", path: "favouriteColour", value: "red" }]))).toBe("invalidPath");
    expect(scimTypeOf(() => applyPatch(userSchema, user, [{ op: "replace", path: "emails[type eq", value: "x" }]))).toBe("invalidPath");
    expect(scimTypeOf(() => applyPatch(userSchema, user, [{ op: "replace", path: "userName[value eq \"x\"]", value: "x" }]))).toBe("invalidPath");
    expect(scimTypeOf(() => applyPatch(userSchema, user, [{ op: "remove", path: "userName" }]))).toBe("mutability");
    expect(scimTypeOf(() => applyPatch(userSchema, user, [{ op: "move", path: "userName", value: "x" }]))).toBe("invalidSyntax");
    expect(scimTypeOf(() => applyPatch(userSchema, user, [{ op: "remove" }]))).toBe("noTarget");
    expect(scimTypeOf(() => applyPatch(userSchema, user, [{ op: "replace", value: "not an object" }]))).toBe("invalidValue");
    expect(scimTypeOf(() => applyPatch(userSchema, user, []))).toBe("invalidSyntax");
    expect(scimTypeOf(() => applyPatch(userSchema, user, Array.from({ length: 1001 }, () => ({ op: "replace", path: "active", value: true }))))).toBe("tooMany");
  });
});
