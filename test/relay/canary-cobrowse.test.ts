import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import type { StartOptions } from "../../src/server/server.js";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import { serviceUrl } from "../helpers/services.js";
import { DEMO_ORIGIN, ManualClock, WsClient, openAgent, openVisitor, startSession, wsUrl } from "./ws-client.js";

// Invariant 1: no co-browse content is ever written to the database, a log or a file. A whole
// session carries unique strings in HTML text, attributes, text mutations, input values (the
// policy unmasks them here so they really cross the server), page and asset URLs, and in hostile
// frames that are refused. The agent receives them; afterwards none of them is in the database
// (SQLite files, or every PostgreSQL table), the logs, or any file under the data directory.

const pgBase = serviceUrl("AIRLOCK_TEST_PG_URL");

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

async function pgTablesText(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    let text = "";
    for (const { tablename } of tables.rows) {
      const rows = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${tablename}" t`);
      text += rows.rows.map((r) => r.row).join("\n");
    }
    return text;
  } finally {
    await client.end();
  }
}

for (const dialect of ["sqlite", "postgres"] as const) {
  describe.skipIf(dialect === "postgres" && !pgBase)(`co-browse canary [${dialect}]`, () => {
    it("leaves no page content in the database, the logs or the data directory", async () => {
      const tag = randomBytes(6).toString("hex");
      const canary = {
        html: `CANARY-HTML-${tag}`,
        attr: `CANARY-ATTR-${tag}`,
        text: `CANARY-TEXT-${tag}`,
        input: `CANARY-INPUT-${tag}`,
        url: `canary-url-${tag}`,
        asset: `canary-asset-${tag}`,
        refused: `CANARY-REFUSED-${tag}`,
        nosync: `CANARY-NOSYNC-${tag}`,
      };
      const policyDir = mkdtempSync(path.join(tmpdir(), "airlock-policy-"));
      const shipped = readFileSync(path.resolve("policies/cobrowse.yaml"), "utf8");
      writeFileSync(path.join(policyDir, "cobrowse.yaml"), shipped.replace(/maskInputValues: \{ enabled: true,/, "maskInputValues: { enabled: false,"));
      let databaseUrl: string | undefined;
      if (dialect === "postgres") {
        const name = `airlock_t_${tag}`;
        const admin = new pg.Client({ connectionString: pgBase });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        const u = new URL(pgBase ?? "");
        u.pathname = `/${name}`;
        databaseUrl = u.toString();
      }
      const options: StartOptions = { relayClock: new ManualClock() };
      const server = await startIdentityServer({ AIRLOCK_POLICY_DIR: policyDir, ...(databaseUrl ? { AIRLOCK_DATABASE_URL: databaseUrl } : {}) }, options);
      let stopped = false;
      try {
        const { agent } = await signInEnrolled(server, "agent");
        const { client: visitor, welcome } = await openVisitor(server, { url: `${DEMO_ORIGIN}/demo/${canary.url}` });
        const agentSocket = await openAgent(server, agent);
        await startSession(visitor, agentSocket, String(welcome.session));

        visitor.send({
          kind: "snapshot",
          seq: 1,
          url: `${DEMO_ORIGIN}/demo/${canary.url}`,
          html: `<html data-airlock-id="1"><body data-airlock-id="2"><h1 data-airlock-id="3" title="${canary.attr}">${canary.html}</h1><img data-airlock-id="4" alt="${canary.attr}" src="/img/${canary.asset}.png"><input data-airlock-id="5" value="${canary.input}"><div data-airlock-id="6" class="cobrowsing_nosync">${canary.nosync}</div></body></html>`,
          viewport: { width: 800, height: 600 },
        });
        const snapshot = await agentSocket.next("snapshot");
        expect(snapshot.html).toContain(canary.html);
        expect(snapshot.html).toContain(canary.attr);
        expect(snapshot.html).toContain(canary.asset);
        expect(snapshot.html).not.toContain(canary.nosync);
        visitor.send({ kind: "mutations", seq: 2, ops: [{ op: "text", id: 3, value: canary.text }, { op: "attr", id: 3, name: "data-note", value: canary.attr }] });
        expect(JSON.stringify(await agentSocket.next("mutations"))).toContain(canary.text);
        visitor.send({ kind: "input", id: 5, value: canary.input, masked: false });
        expect(await agentSocket.next("input")).toMatchObject({ value: canary.input });
        // Refused frames carrying content: errors must not echo it anywhere either.
        visitor.send({ kind: "mutations", seq: 3, ops: [{ op: "text", id: 777777, value: canary.refused }] });
        visitor.send({ kind: "snapshot", seq: 4, url: `https://${canary.refused}.test/`, html: canary.refused, viewport: { width: 1, height: 1 } });
        visitor.send(`{"kind":"pointer","x":"${canary.refused}"}`);
        for (let i = 0; i < 3; i++) await visitor.next("error");
        expect(JSON.stringify(visitor.errors())).not.toContain(canary.refused);
        visitor.send({ kind: "navigation", url: `${DEMO_ORIGIN}/demo/${canary.url}/next` });
        await agentSocket.next("navigation");

        // Navigation: the next page resumes, then the visitor ends the session.
        const token = String(welcome.resumeToken);
        visitor.close();
        await visitor.closed;
        const next = await WsClient.open(wsUrl(server, "/ws/visitor"), DEMO_ORIGIN);
        next.send({ kind: "resume", versions: [1], resumeToken: token, url: `${DEMO_ORIGIN}/demo/${canary.url}/next`, viewport: { width: 1, height: 1 } });
        await next.next("welcome");
        next.send({ kind: "end" });
        expect(await agentSocket.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "visitor_ended" });
        expect(server.services.relay.retainedBytes()).toBe(0);

        await server.shutdown("canary test");
        stopped = true;
        const values = Object.values(canary);
        const logs = server.logText();
        expect(logs).toContain("co-browse session ended"); // the log did record the session's metadata…
        for (const v of values) expect({ where: "logs", v, found: logs.includes(v) }).toEqual({ where: "logs", v, found: false });
        for (const file of filesUnder(server.config.dataDir)) {
          const bytes = readFileSync(file);
          for (const v of values) expect({ file: path.basename(file), v, found: bytes.includes(v) }).toEqual({ file: path.basename(file), v, found: false });
        }
        if (databaseUrl) {
          const rows = await pgTablesText(databaseUrl);
          expect(rows).toContain("cobrowse.end"); // …in the audit trail, as metadata only
          for (const v of values) expect({ where: "postgres", v, found: rows.includes(v) }).toEqual({ where: "postgres", v, found: false });
        } else {
          expect(filesUnder(server.config.dataDir).some((f) => f.endsWith(".db"))).toBe(true);
        }
      } finally {
        if (!stopped) await server.shutdown("canary test");
        rmSync(server.config.dataDir, { recursive: true, force: true });
        rmSync(policyDir, { recursive: true, force: true });
        if (databaseUrl) {
          const admin = new pg.Client({ connectionString: pgBase });
          await admin.connect();
          await admin.query(`DROP DATABASE IF EXISTS airlock_t_${tag} WITH (FORCE)`);
          await admin.end();
        }
      }
    });
  });
}
