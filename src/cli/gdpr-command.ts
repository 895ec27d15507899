import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { ConversationKeys } from "../chat/conversation-keys.js";
import { eraseVisitor, exportVisitor, type DataSubject } from "../chat/gdpr.js";
import { AirlockError } from "../errors.js";
import { ReloadingKeyRing } from "../crypto/key-ring.js";
import { KeyVault } from "../crypto/vault/key-vault.js";
import { openStorage } from "../storage/db.js";
import { configOrExit } from "./load-config.js";
import { emit } from "./output.js";

interface SubjectOptions {
  visitor?: string;
  customer?: string;
  site?: string;
}

/** Exactly one subject: --visitor, or --customer with --site. */
function subjectOf(opts: SubjectOptions): DataSubject {
  if (opts.visitor !== undefined && opts.customer === undefined && opts.site === undefined) return { visitorId: opts.visitor };
  if (opts.visitor === undefined && opts.customer !== undefined && opts.site !== undefined) return { siteId: opts.site, customerId: opts.customer };
  throw new AirlockError("bad_request", "name a visitor (--visitor <id>) or a verified customer (--customer <id> --site <site>)");
}

export function registerGdprCommand(program: Command): void {
  const gdpr = program.command("gdpr").description("data subject requests for a visitor (export, erasure); both are audited");

  gdpr
    .command("export")
    .description("print (or write) JSON of everything stored about a visitor: their conversations and messages")
    .option("--visitor <id>", "the visitor's per-visit id")
    .option("--customer <id>", "a verified customer's id (with --site): every conversation of theirs")
    .option("--site <id>", "the site whose customer --customer names")
    .option("--out <file>", "write to this file (mode 0600) instead of standard output")
    .action(async (opts: SubjectOptions & { out?: string }) => {
      const config = configOrExit(true);
      const storage = openStorage(config.databaseUrl, { poolSize: 2, tls: config });
      const vault = await KeyVault.open(config.keyVaultUrl, { poolSize: 2, tls: config });
      try {
        const keys = await ConversationKeys.create(ReloadingKeyRing.fromConfig(config), vault);
        const data = await exportVisitor(storage.db, keys, subjectOf(opts), "cli", Date.now());
        const text = JSON.stringify(data, null, 2) + "\n";
        if (opts.out) writeFileSync(opts.out, text, { mode: 0o600 });
        else process.stdout.write(text);
      } finally {
        await vault.close();
        await storage.close();
      }
    });

  gdpr
    .command("erase")
    .description("erase a visitor: delete their data keys first (crypto-shredding), then their rows")
    .option("--visitor <id>", "the visitor's per-visit id")
    .option("--customer <id>", "a verified customer's id (with --site): every conversation of theirs")
    .option("--site <id>", "the site whose customer --customer names")
    .option("--json", "print JSON")
    .action(async (opts: SubjectOptions & { json?: boolean }) => {
      const json = Boolean(opts.json);
      const config = configOrExit(json);
      const storage = openStorage(config.databaseUrl, { poolSize: 2, tls: config });
      const vault = await KeyVault.open(config.keyVaultUrl, { poolSize: 2, tls: config });
      try {
        const keys = await ConversationKeys.create(ReloadingKeyRing.fromConfig(config), vault);
        const outcome = await eraseVisitor(storage.db, keys, subjectOf(opts), "cli");
        emit(json, { ...(opts.visitor ? { visitor: opts.visitor } : { site: opts.site, customer: opts.customer }), ...outcome }, () =>
          `erased ${outcome.conversations} conversations (${outcome.shreddedKeys} data keys destroyed in the key vault)\n` +
          `copies of the main database can no longer be decrypted; key vault backups reach this erase when they expire (see docs/chat.md)`,
        );
      } finally {
        await vault.close();
        await storage.close();
      }
    });
}
