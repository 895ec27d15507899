import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { ConversationKeys } from "../../src/chat/conversation-keys.js";
import { InProcessFanout } from "../../src/chat/fanout.js";
import { ChatService } from "../../src/chat/service.js";
import { KeyVault } from "../../src/crypto/vault/key-vault.js";
import { loadMasterKeys } from "../../src/auth/master-keys.js";
import { loadConfig } from "../../src/config/load.js";
import { openStorage } from "../../src/storage/db.js";
import { runCli } from "../helpers/cli.js";
import { describeEachDialect } from "../helpers/dialects.js";
import { clientId, vaultUrlFor, visitId } from "./chat-fixture.js";

// The operator commands as operators run them (the built CLI), against a database with chats.
describeEachDialect("airlock keys and gdpr commands", (fx) => {
  it("keys rotate re-wraps under a new key while old chats stay readable; retire removes the old key; gdpr export and erase", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "airlock-keys-"));
    const keyFile = path.join(dir, "master.keys");
    writeFileSync(keyFile, `k1:${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
    const vaultUrl = await vaultUrlFor(fx);
    const env = { AIRLOCK_DATABASE_URL: await fx.freshUrl(), AIRLOCK_DATA_DIR: dir, AIRLOCK_MASTER_KEY_FILE: keyFile, ...(vaultUrl ? { AIRLOCK_KEY_VAULT_URL: vaultUrl } : {}) };
    expect(runCli(["migrate", "up"], env).status).toBe(0);

    const { config } = loadConfig(env);
    const storage = openStorage(config.databaseUrl);
    const vault = await KeyVault.open(config.keyVaultUrl);
    const visitorId = visitId();
    try {
      const chat = new ChatService(storage, await ConversationKeys.create(loadMasterKeys(config), vault), new InProcessFanout());
      const visitor = { kind: "visitor" as const, siteId: "demo", visitorId };
      const c = await chat.startChat(visitor);
      await chat.accept(randomUUID(), c.id);
      await chat.send(visitor, c.id, clientId(), "kept across rotations");
    } finally {
      await vault.close();
      await storage.close();
    }

    const rotated = runCli(["keys", "rotate", "--json"], env);
    expect(rotated.status).toBe(0);
    const outcome = JSON.parse(rotated.stdout) as { currentKeyId: string; rewrapped: number; generated: boolean };
    expect(outcome).toMatchObject({ generated: true, rewrapped: 1 });
    expect(readFileSync(keyFile, "utf8")).toContain(`${outcome.currentKeyId}:`);
    const status = JSON.parse(runCli(["keys", "status", "--json"], env).stdout) as { current: string; keys: string[]; dataKeys: Record<string, number> };
    expect(status).toMatchObject({ current: outcome.currentKeyId, keys: ["k1", outcome.currentKeyId], dataKeys: { [outcome.currentKeyId]: 1 } });
    // key material is never printed
    expect(rotated.stdout + runCli(["keys", "status"], env).stdout).not.toMatch(/[A-Za-z0-9+/]{43}=/);

    const retired = runCli(["keys", "retire", "--key-id", "k1", "--grace-ms", "0", "--json"], env);
    expect(retired.status).toBe(0);
    expect(readFileSync(keyFile, "utf8")).not.toContain("k1:");
    expect(runCli(["keys", "retire", "--key-id", outcome.currentKeyId, "--grace-ms", "0"], env).status).toBe(1);

    const exported = runCli(["gdpr", "export", "--visitor", visitorId], env);
    expect(exported.status).toBe(0);
    expect(exported.stdout).toContain("kept across rotations");
    const erased = runCli(["gdpr", "erase", "--visitor", visitorId, "--json"], env);
    expect(JSON.parse(erased.stdout)).toEqual({ visitor: visitorId, conversations: 1, shreddedKeys: 1 });
    expect(JSON.parse(runCli(["gdpr", "export", "--visitor", visitorId], env).stdout)).toMatchObject({ conversations: [] });
    const bad = runCli(["gdpr", "erase", "--visitor", "x"], env);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("visitor id must be");
  }, 120_000); // nine CLI processes, each starting Node
});
