import { afterAll, beforeAll, expect, it } from "vitest";
import { createScimIdp, listScimIdps, removeScimIdp } from "../../src/scim/idp-tokens.js";
import { runCliAsync } from "../helpers/cli.js";
import { describeEachDialect } from "../helpers/dialects.js";
import type { TestServer } from "../helpers/server.js";
import { startIdentityServer } from "../auth/helpers/login.js";
import { ERROR, GROUP, PATCH_OP, ScimClient, scimClientFor, USER, type ScimAnswer } from "./scim-client.js";

// SCIM 2.0 on a real Airlock, as identity providers call it: the RFC 7644 examples, the request
// shapes Entra ID and Okta send, and hostile input. Every storage step runs on SQLite and PostgreSQL;
// the operator's token command runs once, as the built CLI, against the SQLite server's database.

const ids = (a: ScimAnswer) => (a.body.Resources as Array<{ id: string }>).map((r) => r.id);
const expectScimError = (a: ScimAnswer, status: number, scimType?: string) => {
  expect(a.status).toBe(status);
  expect(a.type).toMatch(/^application\/scim\+json/);
  expect(a.body).toMatchObject({ schemas: [ERROR], status: String(status), ...(scimType ? { scimType } : {}) });
};

describeEachDialect("SCIM 2.0 API", (fx) => {
  let server: TestServer;
  let entra: ScimClient;
  let okta: ScimClient;
  beforeAll(async () => {
    server = await startIdentityServer({ AIRLOCK_DATABASE_URL: await fx.freshUrl(), AIRLOCK_KEY_VAULT_URL: await fx.freshUrl() });
    entra = await scimClientFor(server, "entra");
    okta = await scimClientFor(server, "okta", "https://okta.example/oauth2/default");
  });
  afterAll(async () => server?.stop());

  it("follows the RFC 7644 examples: create, get, filter, replace, patch, delete", async () => {
    const created = await entra.call("POST", "/Users", {
      schemas: [USER],
      userName: "bjensen@example.com",
      externalId: "bjensen",
      name: { formatted: "Ms. Barbara J Jensen III", familyName: "Jensen", givenName: "Barbara" },
    });
    expect(created.status).toBe(201);
    expect(created.type).toMatch(/^application\/scim\+json/);
    const id = String(created.body.id);
    expect(created.location).toBe(`${server.url}/scim/v2/Users/${id}`);
    expect(created.etag).toBe('W/"1"');
    expect(created.body).toMatchObject({ schemas: [USER], userName: "bjensen@example.com", externalId: "bjensen", active: true, name: { familyName: "Jensen", givenName: "Barbara" }, meta: { resourceType: "User", version: 'W/"1"' } });

    expect((await entra.call("GET", `/Users/${id}`)).body).toMatchObject({ id, userName: "bjensen@example.com" });
    const found = await entra.list("/Users", { filter: 'userName Eq "BJENSEN@example.com"' });
    expect(found.body).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(ids(found)).toEqual([id]);
    expect(ids(await entra.list("/Users", { filter: 'name.familyName co "ens" and not (emails pr)' }))).toEqual([id]);

    const replaced = await entra.call("PUT", `/Users/${id}`, { schemas: [USER], userName: "bjensen@example.com", externalId: "bjensen", displayName: "Babs Jensen", emails: [{ value: "bjensen@example.com", type: "work", primary: true }] });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ displayName: "Babs Jensen", emails: [{ value: "bjensen@example.com", type: "work", primary: true }], meta: { version: 'W/"2"' } });
    expect(replaced.body).not.toHaveProperty("name");

    const patched = await entra.call("PATCH", `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: "add", path: "emails", value: [{ value: "babs@jensen.org", type: "home" }] }, { op: "replace", path: "displayName", value: "Barbara Jensen" }] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ displayName: "Barbara Jensen", emails: [{ value: "bjensen@example.com" }, { value: "babs@jensen.org", type: "home" }] });
    expect(ids(await entra.list("/Users", { filter: 'emails[type eq "home" and value ew "jensen.org"]' }))).toEqual([id]);

    expect((await entra.call("DELETE", `/Users/${id}`)).status).toBe(204);
    expectScimError(await entra.call("GET", `/Users/${id}`), 404);
    expect((await entra.list("/Users", { filter: 'userName eq "bjensen@example.com"' })).body.totalResults).toBe(0);
    // Provisioned again after deletion: a new resource.
    const again = await entra.call("POST", "/Users", { schemas: [USER], userName: "bjensen@example.com" });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(id);
  });

  it("pages with startIndex and count, and answers the discovery endpoints", async () => {
    for (let i = 0; i < 5; i++) expect((await entra.call("POST", "/Users", { schemas: [USER], userName: `page-${i}@example.com`, active: i % 2 === 0 })).status).toBe(201);
    const all = await entra.list("/Users", { filter: 'userName sw "page-"' });
    expect(all.body.totalResults).toBe(5);
    const page = await entra.list("/Users", { filter: 'userName sw "page-"', startIndex: "2", count: "2" });
    expect(page.body).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2 });
    expect(ids(page)).toEqual(ids(all).slice(1, 3));
    expect((await entra.list("/Users", { filter: 'userName sw "page-"', count: "0" })).body).toMatchObject({ totalResults: 5, itemsPerPage: 0 });
    expect((await entra.list("/Users", { filter: 'userName sw "page-" and active eq false' })).body.totalResults).toBe(2);
    const projected = await entra.list("/Users", { filter: 'userName eq "page-0@example.com"', attributes: "userName" });
    expect(Object.keys((projected.body.Resources as object[])[0] as object).sort()).toEqual(["id", "meta", "schemas", "userName"]);

    const config = await entra.call("GET", "/ServiceProviderConfig");
    expect(config.body).toMatchObject({ patch: { supported: true }, filter: { supported: true, maxResults: 200 }, bulk: { supported: false }, sort: { supported: false } });
    expect(((await entra.call("GET", "/ResourceTypes")).body.Resources as Array<{ id: string }>).map((r) => r.id)).toEqual(["User", "Group"]);
    expect(((await entra.call("GET", "/Schemas")).body.Resources as Array<{ id: string }>).map((r) => r.id)).toEqual([USER, GROUP]);
  });

  it("takes requests shaped as Entra ID sends them", async () => {
    // Entra's connection test and its matching query before each create.
    expect((await entra.list("/Users", { filter: 'userName eq "0f1a7d1c-probe"' })).body).toMatchObject({ totalResults: 0, Resources: [] });
    const user = await entra.call("POST", "/Users", {
      schemas: [USER, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      externalId: "ryan",
      userName: "Ryan3@contoso.example",
      active: true,
      displayName: "Ryan Smith",
      emails: [{ primary: true, type: "work", value: "Ryan3@contoso.example" }],
      meta: { resourceType: "User" },
      name: { familyName: "Smith", givenName: "Ryan" },
      title: "Support agent",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Support", manager: { value: "boss" } },
    });
    expect(user.status).toBe(201);
    expect(user.body).not.toHaveProperty("title");
    const id = String(user.body.id);
    const patch = await entra.call("PATCH", `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: "Replace", path: "displayName", value: "Ryan J. Smith" },
        { op: "Add", path: 'emails[type eq "other"].value', value: "ryan@other.example" },
        { op: "Replace", path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", value: "Sales" },
        { op: "Replace", path: "active", value: "False" },
      ],
    });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ displayName: "Ryan J. Smith", active: false, emails: [{ value: "Ryan3@contoso.example" }, { type: "other", value: "ryan@other.example" }] });

    const group = await entra.call("POST", "/Groups", { schemas: [GROUP], externalId: "g-ext", displayName: "airlock-agents", members: [] });
    expect(group.status).toBe(201);
    const gid = String(group.body.id);
    expect((await entra.call("PATCH", `/Groups/${gid}`, { schemas: [PATCH_OP], Operations: [{ op: "Add", path: "members", value: [{ value: id }] }] })).status).toBe(200);
    const listed = await entra.list("/Groups", { filter: 'displayName eq "airlock-agents"', excludedAttributes: "members" });
    expect(listed.body).toMatchObject({ totalResults: 1, Resources: [{ id: gid, displayName: "airlock-agents" }] });
    expect((listed.body.Resources as object[])[0]).not.toHaveProperty("members");
    expect((await entra.list("/Groups", { filter: `id eq "${gid}" and members[value eq "${id}"]` })).body.totalResults).toBe(1);
    expect((await entra.call("GET", `/Users/${id}`)).body).toMatchObject({ groups: [{ value: gid, display: "airlock-agents" }] });
    expect((await entra.call("PATCH", `/Groups/${gid}`, { schemas: [PATCH_OP], Operations: [{ op: "Remove", path: "members", value: [{ value: id }] }] })).status).toBe(200);
    expect((await entra.list("/Groups", { filter: `members.value eq "${id}"` })).body.totalResults).toBe(0);
  });

  it("takes requests shaped as Okta sends them", async () => {
    expect((await okta.list("/Users", { filter: 'userName eq "dana@okta.example"', startIndex: "1", count: "100" })).body.totalResults).toBe(0);
    const user = await okta.call("POST", "/Users", { schemas: [USER], userName: "dana@okta.example", name: { givenName: "Dana", familyName: "Lee" }, emails: [{ primary: true, value: "dana@okta.example", type: "work" }], displayName: "Dana Lee", locale: "en-US", externalId: "00u1okta", groups: [], password: "never-stored-1234", active: true });
    expect(user.status).toBe(201);
    expect(user.body).not.toHaveProperty("password");
    const id = String(user.body.id);
    const off = await okta.call("PATCH", `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: "replace", value: { active: false } }] });
    expect(off.body.active).toBe(false);
    const put = await okta.call("PUT", `/Users/${id}`, { schemas: [USER], id, userName: "dana@okta.example", name: { givenName: "Dana", familyName: "Lee-Park" }, active: true, emails: [{ value: "dana@okta.example", primary: true }] });
    expect(put.body).toMatchObject({ active: true, name: { familyName: "Lee-Park" } });

    const group = await okta.call("POST", "/Groups", { schemas: [GROUP], displayName: "airlock-supervisors", members: [{ value: id, display: "dana@okta.example" }] });
    const gid = String(group.body.id);
    expect(group.body.members).toEqual([expect.objectContaining({ value: id })]);
    const renamed = await okta.call("PATCH", `/Groups/${gid}`, { schemas: [PATCH_OP], Operations: [{ op: "replace", value: { id: gid, displayName: "airlock-agents" } }] });
    expect(renamed.body).toMatchObject({ id: gid, displayName: "airlock-agents" });
    const removed = await okta.call("PATCH", `/Groups/${gid}`, { schemas: [PATCH_OP], Operations: [{ op: "remove", path: `members[value eq "${id}"]` }] });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body.members).toEqual([]);
    expect((await okta.call("DELETE", `/Groups/${gid}`)).status).toBe(204);
    expectScimError(await okta.call("GET", `/Groups/${gid}`), 404);
  });

  it("refuses hostile input with SCIM errors and leaves nothing behind", async () => {
    const before = await server.services.storage.db.selectFrom("scim_user").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    // Wrong, missing and malformed tokens: a bare 401, no hint which part was wrong.
    for (const token of ["airlock_scim_" + "A".repeat(43), null, "not-a-token", `${entra.token}x`]) {
      const a = await entra.call("GET", "/Users", undefined, { token });
      expectScimError(a, 401);
      expect(a.body.detail).toBe("authentication required");
      expect(a.wwwAuthenticate).toBe('Bearer realm="airlock-scim"');
    }
    expectScimError(await entra.call("POST", "/Users", { userName: "x@example.com" }, { token: "wrong" }), 401);
    // A token for another IdP sees none of this IdP's users.
    const mine = await entra.call("POST", "/Users", { schemas: [USER], userName: "only-entra@example.com" });
    expectScimError(await okta.call("GET", `/Users/${String(mine.body.id)}`), 404);
    expectScimError(await okta.call("DELETE", `/Users/${String(mine.body.id)}`), 404);
    expect((await okta.list("/Users", { filter: 'userName eq "only-entra@example.com"' })).body.totalResults).toBe(0);
    // Filters: deep, injection attempts, unknown attributes, unsupported operators.
    expectScimError(await entra.list("/Users", { filter: `${"(".repeat(50)}userName eq "a"${")".repeat(50)}` }), 400, "invalidFilter");
    expectScimError(await entra.list("/Users", { filter: "userName eq \"a\" or 1=1 --" }), 400, "invalidFilter");
    expectScimError(await entra.list("/Users", { filter: 'favouriteColour eq "red"' }), 400, "invalidFilter");
    expectScimError(await entra.list("/Users", { filter: 'userName regex ".*"' }), 400, "invalidFilter");
    expect((await entra.list("/Users", { filter: `userName eq "x' OR '1'='1"` })).body.totalResults).toBe(0);
    expect((await entra.list("/Users", { filter: 'userName eq "%"' })).body.totalResults).toBe(0);
    expect((await entra.list("/Users", { filter: 'userName co "%"' })).body.totalResults).toBe(0);
    expectScimError(await entra.list("/Users", { count: "ten" }), 400, "invalidValue");
    // Bodies: too large, not JSON, the wrong type, missing or bad fields, duplicates.
    expectScimError(await entra.call("POST", "/Users", { schemas: [USER], userName: "big@example.com", displayName: "x".repeat(200_000) }), 413);
    expectScimError(await entra.call("POST", "/Users", undefined, { raw: "{not json" }), 400, "invalidSyntax");
    expectScimError(await entra.call("POST", "/Users", undefined, { raw: JSON.stringify({ userName: "t@example.com" }), contentType: "text/plain" }), 415);
    expectScimError(await entra.call("POST", "/Users", { schemas: [USER] }), 400, "invalidValue");
    expectScimError(await entra.call("POST", "/Users", { schemas: [USER], userName: "ctl\u0000@example.com" }), 400, "invalidValue");
    expectScimError(await entra.call("POST", "/Users", [{ userName: "array@example.com" }]), 400, "invalidSyntax");
    expectScimError(await entra.call("POST", "/Users", { schemas: [USER], userName: "ONLY-ENTRA@example.com" }), 409, "uniqueness");
    expectScimError(await entra.call("POST", "/Groups", { schemas: [GROUP], displayName: "bad-members", members: [{ value: String(mine.body.id) }, { value: "00000000-0000-0000-0000-000000000000" }] }), 400, "invalidValue");
    expectScimError(await entra.call("PATCH", `/Users/${String(mine.body.id)}`, { schemas: [PATCH_OP], Operations: [{ op: "replace", path: "favouriteColour", value: "red" }] }), 400, "invalidPath");
    expectScimError(await entra.call("PATCH", `/Users/${String(mine.body.id)}`, { schemas: [PATCH_OP], Operations: [{ op: "replace", path: "id", value: "mine" }] }), 400, "mutability");
    expectScimError(await entra.call("GET", "/Users/..%2F..%2Fetc%2Fpasswd"), 404);
    const after = await server.services.storage.db.selectFrom("scim_user").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n) + 1);
    expect((await entra.call("GET", `/Users/${String(mine.body.id)}`)).body).toMatchObject({ userName: "only-entra@example.com", active: true });
    // No token, user name or filter value in the logs.
    expect(server.logText()).not.toContain(entra.token);
    expect(server.logText()).not.toContain("only-entra@example.com");
  });

  it("stores only the SHA-256 of each IdP's token", async () => {
    const rows = await server.services.storage.db.selectFrom("scim_idp").selectAll().orderBy("name").execute();
    expect(rows.map((r) => r.name)).toEqual(["entra", "okta"]);
    for (const row of rows) expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    for (const client of [entra, okta]) expect(JSON.stringify(rows)).not.toContain(client.token.slice("airlock_scim_".length, "airlock_scim_".length + 20));
  });

  it("audits every SCIM write with ids only", async () => {
    const u = await entra.call("POST", "/Users", { schemas: [USER], userName: "audited@example.com", displayName: "Audited Person" });
    const id = String(u.body.id);
    await entra.call("PATCH", `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: "replace", value: { active: false } }] });
    await entra.call("PATCH", `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: "replace", value: { active: true } }] });
    await entra.call("DELETE", `/Users/${id}`);
    const rows = await server.services.storage.db.selectFrom("audit_log").selectAll().where("target", "=", `scim-user:${id}`).orderBy("seq").execute();
    expect(rows.map((r) => [r.actor, r.action, r.decision])).toEqual([
      ["scim:entra", "scim.user.created", "success"],
      ["scim:entra", "scim.user.deactivated", "success"],
      ["scim:entra", "scim.user.reactivated", "success"],
      ["scim:entra", "scim.user.deleted", "success"],
    ]);
    expect(JSON.stringify(rows)).not.toContain("audited@example.com");
    expect(JSON.stringify(rows)).not.toContain("Audited Person");
    // Reads are not writes: nothing audited for them.
    const n = (await server.services.storage.db.selectFrom("audit_log").select("seq").where("actor", "=", "scim:entra").execute()).length;
    await entra.list("/Users");
    expect((await server.services.storage.db.selectFrom("audit_log").select("seq").where("actor", "=", "scim:entra").execute()).length).toBe(n);
  });

  it.runIf(fx.dialect === "sqlite")("bin/airlock scim token creates a token shown once, rotates it (the old one stops at once), lists without tokens, removes the IdP", async () => {
    const env = { AIRLOCK_DATA_DIR: server.config.dataDir, AIRLOCK_DATABASE_URL: server.config.databaseUrl };
    const json = async (args: string[]) => {
      const r = await runCliAsync(["scim", "token", ...args, "--json"], env);
      return { status: r.status, body: JSON.parse(r.stdout) as Record<string, unknown> };
    };
    const created = await json(["create", "--idp", "cli-idp", "--issuer", "https://login.example/tenant/v2.0"]);
    expect(created.status).toBe(0);
    const first = String(created.body.token);
    expect(first).toMatch(/^airlock_scim_[A-Za-z0-9_-]{43}$/);
    expect((await new ScimClient(server.url, first).call("GET", "/Users")).status).toBe(200);

    // The CLI is a thin shell over these (each CLI start costs seconds on a busy machine).
    const db = server.services.storage.db;
    await expect(createScimIdp(db, "cli-idp", "https://login.example/tenant/v2.0")).rejects.toThrow(/exists already/);
    await expect(createScimIdp(db, "Bad Name", "https://x.example")).rejects.toThrow(/lowercase/);
    await expect(createScimIdp(db, "plain", "http://idp.example")).rejects.toThrow(/https/);

    const rotated = await json(["rotate", "--idp", "cli-idp"]);
    const second = String(rotated.body.token);
    expect(second).not.toBe(first);
    expect((await new ScimClient(server.url, first).call("GET", "/Users")).status).toBe(401);
    expect((await new ScimClient(server.url, second).call("GET", "/Users")).status).toBe(200);

    const listed = await listScimIdps(db);
    expect(listed).toContainEqual(expect.objectContaining({ name: "cli-idp", issuer: "https://login.example/tenant/v2.0" }));
    expect(JSON.stringify(listed)).not.toContain(second);

    await removeScimIdp(db, "cli-idp");
    expect((await new ScimClient(server.url, second).call("GET", "/Users")).status).toBe(401);
    const actions = await server.services.storage.db.selectFrom("audit_log").select("action").where("target", "=", "scim-idp:cli-idp").orderBy("seq").execute();
    expect(actions.map((a) => a.action)).toEqual(["scim.token.created", "scim.token.rotated", "scim.token.removed"]);
  }, 60_000);
});
