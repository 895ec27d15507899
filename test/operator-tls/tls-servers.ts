// PostgreSQL and Redis that speak TLS only, each on a free loopback port in its own temp dir,
// started for one test file and stopped by PID. PostgreSQL runs as the postgres user (initdb
// refuses root), like scripts/test.sh does.
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, copyFileSync, chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import pg from "pg";
import { freePort } from "../helpers/ports.js";

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopPid(pid: number, signal: NodeJS.Signals): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, signal);
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) process.kill(pid, "SIGKILL");
}

export interface TlsPostgres {
  readonly port: number;
  /** postgres://USER:PASSWORD@127.0.0.1:PORT/DATABASE with the given sslmode (none: no parameter). */
  url(database: string, sslmode?: string): string;
  /** Serves another certificate and key from now on (SIGHUP reload). */
  useCertificate(cert: string, key: string): Promise<void>;
  /** Runs SQL as the superuser over the local socket. */
  admin(sql: string): Promise<void>;
  stop(): Promise<void>;
}

const PG_BIN = readdirSync("/usr/lib/postgresql").sort().map((v) => `/usr/lib/postgresql/${v}/bin`).filter((d) => existsSync(`${d}/initdb`)).pop() ?? "/usr/lib/postgresql/15/bin";
const asPostgres = (args: string[]): [string, string[]] => (process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", ...args]] : [args[0]!, args.slice(1)]);

/**
 * PostgreSQL with ssl=on that accepts TCP connections only over TLS (`hostssl`) with a password
 * (scram) and a client certificate signed by `caCert`; databases `airlock` and `airlock_keys` owned
 * by `user`.
 */
export async function startTlsPostgres(dir: string, files: { cert: string; key: string; caCert: string }, user: { name: string; password: string }): Promise<TlsPostgres> {
  mkdirSync(dir, { recursive: true });
  const data = path.join(dir, "data");
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  if (process.getuid?.() === 0) chownSync(dir, uid, gid);
  chmodSync(dir, 0o755);
  const [initCmd, initArgs] = asPostgres([`${PG_BIN}/initdb`, "-D", data, "-U", "postgres", "-A", "trust", "--no-sync"]);
  execFileSync(initCmd, initArgs, { stdio: "pipe", timeout: 60_000 });
  writeFileSync(path.join(data, "pg_hba.conf"), "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256 clientcert=verify-ca\n");
  const install = (from: string, name: string) => {
    const to = path.join(data, name);
    copyFileSync(from, to);
    chmodSync(to, 0o600); // PostgreSQL refuses a key file others may read
    if (process.getuid?.() === 0) chownSync(to, uid, gid);
  };
  install(files.cert, "server.crt");
  install(files.key, "server.key");
  install(files.caCert, "root.crt");
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key -c ssl_ca_file=root.crt -c password_encryption=scram-sha-256`;
  const [ctlCmd, ctlArgs] = asPostgres([`${PG_BIN}/pg_ctl`, "-D", data, "-l", path.join(dir, "log"), "-w", "-o", options, "start"]);
  execFileSync(ctlCmd, ctlArgs, { stdio: "pipe", timeout: 60_000 });
  const pid = Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);

  const admin = async (sql: string) => {
    const client = new pg.Client({ host: dir, port, user: "postgres", database: "postgres" });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE ROLE ${user.name} LOGIN PASSWORD '${user.password}'`);
  await admin(`CREATE DATABASE airlock OWNER ${user.name}`);
  await admin(`CREATE DATABASE airlock_keys OWNER ${user.name}`);

  return {
    port,
    url: (database, sslmode) => `postgres://${user.name}:${encodeURIComponent(user.password)}@127.0.0.1:${port}/${database}${sslmode ? `?sslmode=${sslmode}` : ""}`,
    async useCertificate(cert, key) {
      install(cert, "server.crt");
      install(key, "server.key");
      process.kill(pid, "SIGHUP");
      // The postmaster reloads the files on SIGHUP; a fresh TLS handshake then sees the new ones.
      await new Promise((r) => setTimeout(r, 300));
    },
    admin,
    stop: () => stopPid(pid, "SIGINT"),
  };
}

export interface TlsRedis {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * redis-server with TLS only (`--port 0`), client certificates required, the default user off and
 * one ACL user that may only publish and subscribe.
 */
export async function startTlsRedis(dir: string, files: { cert: string; key: string; caCert: string }, user: { name: string; password: string }): Promise<TlsRedis> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const pidfile = path.join(dir, "redis.pid");
  const r = spawnSync("redis-server", [
    "--port", "0", "--tls-port", String(port), "--bind", "127.0.0.1",
    "--tls-cert-file", files.cert, "--tls-key-file", files.key, "--tls-ca-cert-file", files.caCert, "--tls-auth-clients", "yes",
    "--save", "", "--appendonly", "no", "--daemonize", "yes", "--pidfile", pidfile, "--dir", dir, "--logfile", path.join(dir, "redis.log"),
    "--user", "default", "off",
    "--user", user.name, "on", `>${user.password}`, "resetkeys", "resetchannels", "&*", "-@all", "+@pubsub", "+ping", "+info", "+client|setname",
  ], { encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0) throw new Error(`redis-server did not start: ${r.stdout}${r.stderr}`);
  for (let i = 0; i < 100 && !existsSync(pidfile); i++) await new Promise((res) => setTimeout(res, 50));
  const pid = Number(readFileSync(pidfile, "utf8").trim());
  // The pidfile appears before the ACL is loaded: wait until the TLS port takes connections.
  for (let i = 0; i < 100 && !(await accepts(port)); i++) {
    if (!isAlive(pid)) throw new Error(`redis-server exited: ${readFileSync(path.join(dir, "redis.log"), "utf8").slice(-500)}`);
    await new Promise((res) => setTimeout(res, 50));
  }
  return { port, stop: () => stopPid(pid, "SIGTERM") };
}
