// The backup metric on the server's metrics listener: what the backup job records in the
// database (its own pod, a CronJob) is what the server exports.
import { afterAll, beforeAll, expect, it } from "vitest";
import { recordBackupSuccess } from "../../src/backup/backup-record.js";
import { openStorage } from "../../src/storage/db.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

it("the metrics listener exports when the last backup of each database succeeded", async () => {
  const scrape = async () => (await (await fetch(server.metricsUrl ?? "")).text()).split("\n").filter((l) => l.startsWith("airlock_backup_last_success_timestamp_seconds"));
  expect(await scrape()).toEqual([]); // no backup yet: absent, which the example alert catches
  // What `airlock backup run` records, written from another connection as the CronJob's pod does.
  const job = openStorage(server.config.databaseUrl, { poolSize: 1 });
  const mainAt = Date.now() - 3_600_000;
  const vaultAt = Date.now() - 3_500_000;
  try {
    await recordBackupSuccess(job.db, "main", "k1", mainAt);
    await recordBackupSuccess(job.db, "vault", "k1", vaultAt);
  } finally {
    await job.close();
  }
  // The server reads the record at most once a minute; restart its view with a fresh server's cache.
  const restarted = await startTestServer({ AIRLOCK_DATABASE_URL: server.config.databaseUrl });
  try {
    const text = await (await fetch(restarted.metricsUrl ?? "")).text();
    expect(text).toContain("# TYPE airlock_backup_last_success_timestamp_seconds gauge");
    expect(text).toContain(`airlock_backup_last_success_timestamp_seconds{database="main"} ${Math.floor(mainAt / 1000)}`);
    expect(text).toContain(`airlock_backup_last_success_timestamp_seconds{database="vault"} ${Math.floor(vaultAt / 1000)}`);
  } finally {
    await restarted.stop();
  }
});
