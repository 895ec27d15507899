import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(path.join(tmpdir(), "airlock-cli-"));
function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("airlock config check", () => {
  it("prints the effective config with secrets masked, as text and as JSON", () => {
    const env = { AIRLOCK_DATA_DIR: dir, AIRLOCK_DATABASE_URL: "postgres://airlock:hunter2@127.0.0.1:5432/airlock" };
    const text = runCli(["config", "check"], env);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain("configuration is valid");
    expect(text.stdout).toMatch(/port\s+AIRLOCK_PORT\s+8080/);
    expect(text.stdout).not.toContain("hunter2");
    const json = runCli(["config", "check", "--json"], env);
    expect(json.status).toBe(0);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; config: Record<string, unknown> };
    expect(parsed.ok).toBe(true);
    expect(parsed.config.databaseUrl).toBe("postgres://airlock:********@127.0.0.1:5432/airlock");
  });

  it("exits 2 naming an unknown key in the config file", () => {
    const r = runCli(["config", "check"], { AIRLOCK_CONFIG: file("unknown.yaml", "port: 8080\nlisten_adress: 0.0.0.0\n") });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("listen_adress");
    expect(r.stderr).toContain("unknown setting");
  });

  it("exits 2 naming a field of the wrong type", () => {
    const r = runCli(["config", "check"], { AIRLOCK_PORT: "eighty" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/port \(AIRLOCK_PORT\): .*number/);
  });

  it("exits 2 when production is asked to use the dev IdP, naming the setting", () => {
    const key = file("master.key", "k1:" + Buffer.alloc(32, 7).toString("base64") + "\n");
    const r = runCli(["config", "check"], {
      AIRLOCK_MODE: "production",
      AIRLOCK_PUBLIC_URL: "https://airlock.bank.example",
      AIRLOCK_MASTER_KEY_FILE: key,
      AIRLOCK_IDP: "dev",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/idp \(AIRLOCK_IDP\): the built-in dev IdP is not allowed in production/);
  });

  it("reports problems as JSON with --json", () => {
    const r = runCli(["config", "check", "--json"], { AIRLOCK_PORT: "-1" });
    expect(r.status).toBe(2);
    const parsed = JSON.parse(r.stdout) as { ok: boolean; issues: { field: string }[] };
    expect(parsed.ok).toBe(false);
    expect(parsed.issues[0]?.field).toBe("port");
  });

  it.each([[["--help"]], [["serve", "--help"]], [["migrate", "--help"]], [["migrate", "up", "--help"]], [["migrate", "status", "--help"]], [["config", "check", "--help"]]])(
    "answers %j with usage and exit 0",
    (args) => {
      const r = runCli(args);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("Usage: airlock");
    },
  );

  it("exits 2 on an unknown command", () => {
    const r = runCli(["frobnicate"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command");
  });
});
