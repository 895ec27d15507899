import { sql, type Kysely } from "kysely";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANNEL_PREFIX } from "../../src/bus/bus.js";
import { DAY_MS, RETENTION_KINDS, type RetentionKind } from "../../src/retention/job.js";
import { openStorage, type Storage } from "../../src/storage/db.js";
import { clientId, visitId } from "../chat/chat-fixture.js";
import { describeEachDialect } from "../helpers/dialects.js";
import { startTestServer } from "../helpers/server.js";
import { serviceUrl } from "../helpers/services.js";
import { loadDataMap } from "./data-map.js";
import { readCatalog } from "../../src/backup/table-catalog.js";
import { PLANTED_CHAT, PLANTED_LONG_CHAT, startSeededAirlock, type SeededAirlock } from "./seeded-airlock.js";

// The data map is checked against what the code does, not only against names: a seeded Airlock's
// stored values show which columns hold bytes (ciphertext, keys, hashes) and which hold a person's
// identifiers, and moving the retention clock past each period in turn shows which tables each
// retention job deletes. Relabelling chat_message.body as technical metadata kept forever fails
// here twice (its bytes, and the chat job deleting it).

const IDENTIFYING = new Set(["identifier", "pseudonymous-id"]);
const map = loadDataMap();
const redisUrl = serviceUrl("AIRLOCK_TEST_REDIS_URL");

/** A mapped channel name with `{placeholder}` parts as a regular expression. */
function channelPattern(name: string): RegExp {
  const escape = (part: string) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${name.split(/\{\w+\}/).map(escape).join("[^:]+")}$`);
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 25));
}
type DbName = keyof typeof map.databases;

/** Less than the long and short planted messages differ by, far more than ids, times or hashes vary. */
const CONTENT_SPREAD = Math.floor((PLANTED_LONG_CHAT.length - PLANTED_CHAT.length) * 0.8);
/** Rule retentions that promise to keep data: a table a retention job deletes from cannot say this. */
const KEEPS = /life of|forever|indefinite|never deleted|permanent/i;
const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
/** A row's identity: its primary key (a row updated in place is the same row), else all its values. */
const rowKey = (row: Record<string, unknown>, key: readonly string[]) =>
  JSON.stringify((key.length > 0 ? key : Object.keys(row).sort()).map((k) => (isBytes(row[k]) ? Buffer.from(row[k]).toString("base64") : String(row[k]))));

describeEachDialect("the data map says what the code stores and deletes", (fx) => {
  let now = Date.now();
  let seeded: SeededAirlock;
  let vault: Storage;

  beforeAll(async () => {
    seeded = await startSeededAirlock(fx, { retentionClock: () => now });
    vault = openStorage(seeded.server.config.keyVaultUrl);
  }, 120_000);
  afterAll(async () => {
    await vault?.close();
    await seeded?.server.stop();
  });

  const dbOf = (name: DbName) => (name === "main" ? seeded.server.services.storage.db : vault.db) as Kysely<unknown>;
  const tablesOf = (name: DbName) => Object.entries(map.databases[name]).filter(([table]) => !table.endsWith("_migration_lock"));
  const rows = async (name: DbName, table: string) => (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(dbOf(name))).rows;

  it("maps every column that carries message content (its length follows the message's) as encrypted personal data", async () => {
    const problems: string[] = [];
    const carrying: string[] = [];
    for (const name of ["main", "vault"] as const) {
      for (const [table, t] of tablesOf(name)) {
        const lengths = new Map<string, number[]>();
        for (const row of await rows(name, table)) {
          for (const [column, value] of Object.entries(row)) if (value !== null) lengths.set(column, [...(lengths.get(column) ?? []), isBytes(value) ? value.length : storedText(value).length]);
        }
        for (const [column, ls] of lengths) {
          if (Math.max(...ls) - Math.min(...ls) < CONTENT_SPREAD) continue;
          carrying.push(`${table}.${column}`);
          const category = t.columns[column]?.category ?? "nothing";
          if (category !== "encrypted-personal-data") problems.push(`${name}.${table}.${column} carries message content but is mapped as ${category}`);
        }
      }
    }
    expect(carrying, "message content was found (the check can fail)").toContain("chat_message.body");
    expect(problems).toEqual([]);
  });

  it("maps every column that holds a person's identifier as an identifier or pseudonymous id", async () => {
    const problems: string[] = [];
    const hits: string[] = [];
    for (const name of ["main", "vault"] as const) {
      for (const [table, t] of tablesOf(name)) {
        for (const row of await rows(name, table)) {
          for (const [column, value] of Object.entries(row)) {
            if (value === null || isBytes(value)) continue;
            const category = t.columns[column]?.category ?? "nothing";
            for (const [id, what] of seeded.identifying) {
              if (storedText(value) !== id) continue;
              hits.push(`${table}.${column}`);
              if (!IDENTIFYING.has(category)) problems.push(`${name}.${table}.${column} holds ${what} but is mapped as ${category}`);
            }
          }
        }
      }
    }
    expect(hits, "identifiers were found (the check can fail)").toContain("agent.subject");
    expect([...new Set(problems)]).toEqual([]);
  });

  it("lists every metric family and label the metrics listener serves", async () => {
    const text = await (await fetch(seeded.server.metricsUrl ?? "")).text();
    const families = map.metrics.families;
    const entryFor = (family: string) => Object.entries(families).find(([name]) => (name.endsWith("*") ? family.startsWith(name.slice(0, -1)) : family === name));
    const problems: string[] = [];
    let family = "";
    for (const line of text.split("\n")) {
      const type = /^# TYPE (\S+) /.exec(line);
      if (type?.[1]) {
        family = type[1];
        if (!entryFor(family)) problems.push(`metric ${family} is not in the data map`);
        continue;
      }
      const labels = /^[^{\s]+\{([^}]*)\}/.exec(line)?.[1];
      if (!labels) continue;
      for (const label of labels.split(/,(?=\w+=)/).map((kv) => kv.split("=")[0] ?? "")) {
        if (!entryFor(family)?.[1].labels.includes(label)) problems.push(`metric ${family} carries label ${label}, which the data map does not list`);
      }
    }
    expect(family, "the listener served metrics (the check can fail)").not.toBe("");
    expect([...new Set(problems)]).toEqual([]);
  });

  it("each retention job deletes all old rows of the tables the map assigns to its key, and no table the map says is kept", async () => {
    const retention = seeded.server.services.policy.policy.retention;
    const keys = new Map<string, readonly string[]>();
    for (const name of ["main", "vault"] as const) {
      for (const t of await readCatalog(dbOf(name), fx.dialect, [])) keys.set(`${name}.${t.name}`, t.primaryKey);
    }
    const snapshot = async () => {
      const out = new Map<string, Set<string>>();
      for (const name of ["main", "vault"] as const) {
        for (const [table] of tablesOf(name)) out.set(`${name}.${table}`, new Set((await rows(name, table)).map((r) => rowKey(r, keys.get(`${name}.${table}`) ?? []))));
      }
      return out;
    };
    const start = now;
    const deletedBy = new Map<string, RetentionKind>();
    const problems: string[] = [];
    // Periods in increasing order: at each step one more kind is due, so what disappears is its job's doing.
    for (const kind of [...RETENTION_KINDS].sort((a, b) => retention[a].days - retention[b].days)) {
      const before = await snapshot();
      now = start + (retention[kind].days + 1) * DAY_MS;
      await seeded.server.services.retention.runNow();
      const after = await snapshot();
      for (const [table, old] of before) {
        const kept = [...old].filter((r) => after.get(table)?.has(r)).length;
        if (kept < old.size && !deletedBy.has(table)) deletedBy.set(table, kind);
        const [db, name] = table.split(".") as [DbName, string];
        const r = map.databases[db][name]?.retention;
        if (r && "policy" in r && r.policy === kind && kept > 0) problems.push(`${table}: ${kept} row(s) older than ${kind} survived its job`);
      }
    }
    for (const name of ["main", "vault"] as const) {
      for (const [table, t] of tablesOf(name)) {
        const by = deletedBy.get(`${name}.${table}`);
        const r = t.retention;
        if ("policy" in r && by !== r.policy) problems.push(`${name}.${table}: mapped to ${r.policy}, but ${by ? `the ${by} job deleted it first` : "no retention job deleted its rows"}`);
        if ("rule" in r && by && KEEPS.test(r.rule)) problems.push(`${name}.${table}: the ${by} job deletes its rows, but the map says "${r.rule}"`);
      }
    }
    expect(deletedBy.size, "retention deleted something (the check can fail)").toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!redisUrl)("the data map lists every Redis channel a running server uses", () => {
  it("names each channel the server publishes on while chats run, and Redis keeps no key", async () => {
    const probe = new Redis(redisUrl ?? "");
    const seen = new Set<string>();
    await probe.psubscribe(`${CHANNEL_PREFIX}*`);
    probe.on("pmessage", (_pattern: string, channel: string) => seen.add(channel));
    const server = await startTestServer({ AIRLOCK_REDIS_URL: redisUrl ?? "" });
    try {
      const chat = server.services.chat.service;
      const visitor = { kind: "visitor" as const, siteId: "demo", visitorId: visitId() };
      const c = await chat.startChat(visitor);
      await chat.send(visitor, c.id, clientId(), "planted bus text");
      await until(() => [...seen].some((ch) => ch.includes(c.id)));
    } finally {
      await server.stop();
      probe.disconnect();
    }
    const patterns = Object.keys(map.bus.channels).map(channelPattern);
    expect([...seen].filter((ch) => !patterns.some((p) => p.test(ch)))).toEqual([]);
    expect(seen.size).toBeGreaterThan(1);
    const keys = new Redis(redisUrl ?? "");
    try {
      // The only keys are the shared visit store's, which the map names too.
      const keyPatterns = Object.keys(map.bus.keys ?? {}).map(channelPattern);
      expect((await keys.keys(`${CHANNEL_PREFIX}*`)).filter((key) => !keyPatterns.some((p) => p.test(key)))).toEqual([]);
    } finally {
      keys.disconnect();
    }
  });
});

/** A stored non-byte value as text: strings as they are, numbers and bigints in decimal, JSON values as JSON. */
function storedText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  return JSON.stringify(value) ?? "";
}
