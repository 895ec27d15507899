import type { Command } from "commander";
import { createScimIdp, listScimIdps, removeScimIdp, rotateScimToken } from "../scim/idp-tokens.js";
import { withStorage } from "./load-config.js";
import { emit, ExitCode, table } from "./output.js";

// A SCIM token is printed once, when created or rotated; the database keeps only its hash.
export function registerScimCommand(program: Command): void {
  const scim = program.command("scim").description("SCIM 2.0 provisioning: the identity providers allowed to create, change and remove agents (docs/scim.md)");
  const token = scim.command("token").description("create, rotate, remove and list the bearer tokens of provisioning identity providers");

  const run = async (json: boolean, body: () => Promise<void>) => {
    try {
      await body();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (json) process.stdout.write(JSON.stringify({ ok: false, error: message }, null, 2) + "\n");
      else process.stderr.write(`airlock: ${message}\n`);
      process.exitCode = ExitCode.failure;
    }
  };

  token
    .command("create")
    .description("register an identity provider and print its first token (shown once)")
    .requiredOption("--idp <name>", "a short name for the IdP (entra, okta); appears in the audit trail as scim:<name>")
    .requiredOption("--issuer <url>", "the OIDC issuer of the same IdP: provisioned users link to agents who sign in there")
    .option("--json", "print JSON")
    .action(async (opts: { idp: string; issuer: string; json?: boolean }) => {
      const json = Boolean(opts.json);
      await run(json, async () => {
        const secret = await withStorage(json, (s) => createScimIdp(s.db, opts.idp, opts.issuer));
        emit(json, { ok: true, idp: opts.idp, token: secret }, () => `SCIM token for ${opts.idp} (shown once; paste it into the IdP as the Secret Token):\n${secret}`);
      });
    });

  token
    .command("rotate")
    .description("replace an IdP's token: the old one stops working at once; print the new one (shown once)")
    .requiredOption("--idp <name>", "the IdP's name")
    .option("--json", "print JSON")
    .action(async (opts: { idp: string; json?: boolean }) => {
      const json = Boolean(opts.json);
      await run(json, async () => {
        const secret = await withStorage(json, (s) => rotateScimToken(s.db, opts.idp));
        emit(json, { ok: true, idp: opts.idp, token: secret }, () => `new SCIM token for ${opts.idp} (shown once; the old one no longer works):\n${secret}`);
      });
    });

  token
    .command("remove")
    .description("remove an IdP with its token and everything it provisioned (users, groups; agents keep their records)")
    .requiredOption("--idp <name>", "the IdP's name")
    .option("--json", "print JSON")
    .action(async (opts: { idp: string; json?: boolean }) => {
      const json = Boolean(opts.json);
      await run(json, async () => {
        await withStorage(json, (s) => removeScimIdp(s.db, opts.idp));
        emit(json, { ok: true, idp: opts.idp }, () => `removed ${opts.idp}`);
      });
    });

  token
    .command("list")
    .description("list the provisioning IdPs (names, issuers, when their token was last rotated; never a token)")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const json = Boolean(opts.json);
      await run(json, async () => {
        const idps = await withStorage(json, (s) => listScimIdps(s.db));
        emit(json, { idps }, () =>
          idps.length === 0 ? "no SCIM identity providers" : table([["idp", "issuer", "token rotated"], ...idps.map((i) => [i.name, i.issuer, new Date(i.rotatedAt).toISOString()])]),
        );
      });
    });
}
