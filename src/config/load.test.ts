import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./load.js";
import { maskedConfig } from "./mask.js";
import { configIssues, productionEnv } from "../../test/helpers/config-env.js";

function yamlFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "airlock-cfg-")), "airlock.yaml");
  writeFileSync(file, text);
  return file;
}

const productionOk = productionEnv();

describe("config", () => {
  it("has documented defaults for a dev instance on loopback", () => {
    const { config } = loadConfig({});
    expect(config.mode).toBe("dev");
    expect(config.host).toBe("127.0.0.1");
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe("./data");
    expect(config.databaseUrl).toBe("sqlite:data/airlock.db");
    expect(config.publicUrl).toBe("http://127.0.0.1:8080");
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("takes AIRLOCK_MODE, AIRLOCK_HOST, AIRLOCK_PORT and AIRLOCK_DATA_DIR from the environment", () => {
    const { config } = loadConfig({ AIRLOCK_MODE: "dev", AIRLOCK_HOST: "::1", AIRLOCK_PORT: "8181", AIRLOCK_DATA_DIR: "/tmp/a2" });
    expect(config).toMatchObject({ host: "::1", port: 8181, dataDir: "/tmp/a2", publicUrl: "http://[::1]:8181", databaseUrl: "sqlite:/tmp/a2/airlock.db" });
  });

  it("reads a YAML file and lets the environment override it", () => {
    const file = yamlFile("port: 9000\nlogLevel: debug\n");
    const { config } = loadConfig({ AIRLOCK_CONFIG: file, AIRLOCK_PORT: "9100" });
    expect(config.port).toBe(9100);
    expect(config.logLevel).toBe("debug");
  });

  it("rejects an unknown key in the YAML file, naming it", () => {
    const file = yamlFile("port: 9000\nlisten_adress: 0.0.0.0\n");
    expect(configIssues({ AIRLOCK_CONFIG: file })).toEqual([{ field: "listen_adress", message: "unknown setting" }]);
  });

  it("rejects a wrong type, naming the field", () => {
    expect(configIssues({ AIRLOCK_PORT: "eighty" })[0]?.field).toBe("port");
    expect(configIssues({ AIRLOCK_MODE: "staging" })[0]?.field).toBe("mode");
    const file = yamlFile("port: [1, 2]\n");
    expect(configIssues({ AIRLOCK_CONFIG: file })[0]?.field).toBe("port");
  });

  it("reports a YAML syntax error with its position", () => {
    const file = yamlFile("port: 9000\n  bad: [\n");
    const issues = configIssues({ AIRLOCK_CONFIG: file });
    expect(issues[0]?.field).toBe("(yaml)");
    expect(issues[0]?.message).toMatch(/line \d+/);
  });

  it("accepts a complete production config", () => {
    expect(loadConfig(productionOk).config.mode).toBe("production");
  });

  it.each([
    ["the dev IdP", { AIRLOCK_IDP: "dev" }, "idp"],
    ["a plain-HTTP public URL", { AIRLOCK_PUBLIC_URL: "http://airlock.bank.example" }, "publicUrl"],
    ["wildcard origins", { AIRLOCK_ALLOWED_ORIGINS: "*" }, "allowedOrigins"],
    ["a missing encryption key", { AIRLOCK_MASTER_KEY_FILE: "" }, "masterKeyFile"],
  ])("production refuses %s", (_what, change, field) => {
    const issues = configIssues({ ...productionOk, ...change });
    expect(issues.map((i) => i.field)).toContain(field);
  });

  it("production requires an explicit public URL", () => {
    const { AIRLOCK_PUBLIC_URL: _omit, ...rest } = productionOk;
    expect(configIssues(rest).map((i) => i.field)).toContain("publicUrl");
  });

  it("rejects origins that are not exact", () => {
    expect(configIssues({ AIRLOCK_ALLOWED_ORIGINS: "https://a.example/path" })[0]?.field).toBe("allowedOrigins");
  });

  it("reports unknown AIRLOCK_ variables without failing (Kubernetes injects such names)", () => {
    expect(loadConfig({ AIRLOCK_SERVICE_HOST: "10.0.0.1" }).unknownEnv).toEqual(["AIRLOCK_SERVICE_HOST"]);
  });

  it("masks secrets when printing", () => {
    const { config } = loadConfig({
      ...productionOk,
      AIRLOCK_DATABASE_URL: "postgres://airlock:hunter2@db:5432/airlock?sslmode=verify-full",
      AIRLOCK_KEY_VAULT_URL: "postgres://vault:hunter3@db:5432/airlock_keys?sslmode=verify-full",
      AIRLOCK_MASTER_KEY_FILE: "",
      AIRLOCK_MASTER_KEY: "k1:abc",
    });
    const text = JSON.stringify(maskedConfig(config));
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("hunter3");
    expect(text).not.toContain("s3cret");
    expect(text).not.toContain("k1:abc");
    expect(text).toContain("postgres://airlock:********@db:5432/airlock?sslmode=verify-full");
  });
});
