import { describe, expect, it } from "vitest";
import { ScimError } from "../errors.js";
import { groupSchema, userSchema } from "./attributes.js";
import { equalityHint, matches } from "./evaluate.js";
import { FILTER_LIMITS, parseFilter } from "./parse.js";

const bjensen = {
  id: "2819c223-7f76-453a-919d-413861904646",
  externalId: "bjensen-ext",
  userName: "bjensen@example.com",
  name: { givenName: "Barbara", familyName: "Jensen" },
  displayName: "Babs Jensen",
  emails: [
    { value: "bjensen@example.com", type: "work", primary: true },
    { value: "babs@jensen.org", type: "home" },
  ],
  active: true,
  meta: { created: "2026-01-23T04:56:22Z", lastModified: "2026-05-13T04:42:34Z" },
};
const jsmith = { ...bjensen, id: "x", userName: "jsmith", externalId: undefined, displayName: undefined, emails: [], active: false, name: { familyName: "Smith" } };

const user = (text: string) => parseFilter(text, userSchema);
const refused = (text: string, schema = userSchema) => {
  try {
    parseFilter(text, schema);
  } catch (err) {
    expect(err).toBeInstanceOf(ScimError);
    return { status: (err as ScimError).status, scimType: (err as ScimError).scimType };
  }
  throw new Error(`accepted: ${text}`);
};

describe("SCIM filter (RFC 7644 §3.4.2.2)", () => {
  it("evaluates the RFC's examples on userName, names, emails, meta and active", () => {
    const yes = [
      'userName eq "bjensen@example.com"',
      'USERNAME EQ "BJENSEN@example.COM"', // attribute names, operators and userName are case-insensitive
      'name.familyName co "ens"',
      'userName sw "bj"',
      'userName ew "example.com"',
      "title pr or displayName pr".replace("title pr or ", ""),
      'meta.lastModified gt "2026-05-01T00:00:00Z"',
      'meta.created le "2026-01-23T04:56:22Z"',
      'emails.value eq "babs@jensen.org"',
      'emails co "jensen.org"',
      'emails[type eq "work" and value co "@example.com"]',
      'userName sw "b" and (emails.type eq "work" or emails.type eq "other")',
      'not (active eq false)',
      "active eq true and emails pr",
      'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bjen"',
      'externalId eq "bjensen-ext"',
      'userName ne "jsmith"',
    ];
    for (const f of yes) expect(matches(user(f), bjensen), f).toBe(true);
    const no = ['externalId eq "BJENSEN-EXT"', 'emails[type eq "work" and value co "jensen.org"]', "active eq false", 'userName gt "z"', "not (emails pr)"];
    for (const f of no) expect(matches(user(f), bjensen), f).toBe(false);
    expect(matches(user("displayName pr"), jsmith)).toBe(false);
    expect(matches(user("active eq false and not (externalId pr)"), jsmith)).toBe(true);
  });

  it("binds not over and over or, and reads members.value and members[value eq] on groups", () => {
    expect(matches(user('userName eq "nobody" or userName sw "bj" and active eq true'), bjensen)).toBe(true);
    expect(matches(user('(userName eq "nobody" or userName sw "bj") and active eq false'), bjensen)).toBe(false);
    const group = { id: "g", displayName: "airlock-agents", members: [{ value: "u-1", display: "A" }, { value: "u-2" }] };
    expect(matches(parseFilter('members.value eq "u-2"', groupSchema), group)).toBe(true);
    expect(matches(parseFilter('displayName eq "AIRLOCK-AGENTS" and members[value eq "u-1"]', groupSchema), group)).toBe(true);
    expect(matches(parseFilter('members[value eq "U-1"]', groupSchema), group)).toBe(false); // ids are case-exact
  });

  it("refuses what it does not support with 400 invalidFilter, never a crash", () => {
    for (const f of [
      "",
      "userName",
      'userName xx "a"',
      'userName eq "unterminated',
      'userName eq "a" and',
      'userName eq "a")',
      '(userName eq "a"',
      'nickName eq "x"', // a standard attribute Airlock does not keep
      'password eq "x"',
      'urn:example:other:userName eq "x"',
      'active eq "true"',
      "active gt true",
      'active co "t"',
      'meta.created co "2026"',
      'meta.created gt "yesterday"',
      "userName eq 42",
      "userName eq null",
      'emails[type eq "work"][x eq "y"]',
      'userName[value eq "x"]',
      'emails[emails[type eq "x"]]',
      'userName eq "a" ; DROP TABLE scim_user',
      "userName eq 'single quotes'",
      'not userName eq "a"',
      "name eq \"x\"",
    ]) {
      expect(refused(f), f).toEqual({ status: 400, scimType: "invalidFilter" });
    }
    expect(refused('members.value eq "x"')).toEqual({ status: 400, scimType: "invalidFilter" }); // Users have no members
  });

  it("bounds nesting, size and expression count", () => {
    const deep = `${"(".repeat(FILTER_LIMITS.maxDepth + 2)}userName eq "a"${")".repeat(FILTER_LIMITS.maxDepth + 2)}`;
    expect(refused(deep)).toEqual({ status: 400, scimType: "invalidFilter" });
    const notDeep = `${"not (".repeat(40)}active eq true${")".repeat(40)}`;
    expect(refused(notDeep)).toEqual({ status: 400, scimType: "invalidFilter" });
    const hugeDepth = `${"(".repeat(100_000)}`;
    expect(refused(hugeDepth)).toEqual({ status: 400, scimType: "invalidFilter" });
    const many = Array.from({ length: 40 }, (_, i) => `userName eq "u${i}"`).join(" or ");
    expect(refused(many)).toEqual({ status: 400, scimType: "invalidFilter" });
    const nested = `${"(".repeat(FILTER_LIMITS.maxDepth - 1)}userName eq "a"${")".repeat(FILTER_LIMITS.maxDepth - 1)}`;
    expect(matches(user(nested), { userName: "A" })).toBe(true);
  });

  it("keeps hostile values as values: quotes, escapes and SQL or JSON syntax only match themselves", () => {
    const tricky = 'x" or userName pr or "';
    const f = user(`userName eq ${JSON.stringify(tricky)}`);
    expect(matches(f, bjensen)).toBe(false);
    expect(matches(f, { userName: tricky })).toBe(true);
    expect(matches(user('userName eq "\' OR 1=1 --"'), bjensen)).toBe(false);
    expect(matches(user('userName eq "\\u0062jensen@example.com"'), bjensen)).toBe(true);
  });

  it("names the equality the storage may narrow by, only where it is implied by the whole filter", () => {
    expect(equalityHint(user('userName eq "A"'), "userName")).toBe("A");
    expect(equalityHint(user('active eq true and userName eq "B"'), "userName")).toBe("B");
    expect(equalityHint(user('userName eq "A" or userName eq "B"'), "userName")).toBeUndefined();
    expect(equalityHint(user('not (userName eq "A")'), "userName")).toBeUndefined();
    expect(equalityHint(user('externalId eq "e"'), "externalId")).toBe("e");
  });
});
