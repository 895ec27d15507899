import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect, type SecureVersion } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";

// When Airlock terminates TLS itself, only TLS 1.2 and 1.3 are spoken, 1.3 preferred (ASVS
// V12.1.1). The client here is deliberately permissive (security level 0) so that a refusal comes
// from Airlock's listener, not from the test's own OpenSSL defaults.

let dir: string;
let cert: string;
let server: TestServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "airlock-tls-versions-"));
  cert = path.join(dir, "cert.pem");
  const key = path.join(dir, "key.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], { stdio: "ignore" });
  server = await startTestServer({ AIRLOCK_TLS_CERT_FILE: cert, AIRLOCK_TLS_KEY_FILE: key, AIRLOCK_PUBLIC_URL: "https://127.0.0.1:8443" });
});

afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Handshake = { ok: true; protocol: string } | { ok: false; error: string };

function handshake(minVersion: SecureVersion, maxVersion: SecureVersion): Promise<Handshake> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), ca: readFileSync(cert), minVersion, maxVersion, ciphers: "DEFAULT:@SECLEVEL=0" }, () => {
      const protocol = socket.getProtocol() ?? "unknown";
      socket.end();
      resolve({ ok: true, protocol });
    });
    socket.on("error", (err: NodeJS.ErrnoException) => resolve({ ok: false, error: err.code ?? err.message }));
  });
}

describe("native TLS protocol versions", () => {
  it("refuses TLS 1.0 and 1.1", async () => {
    for (const version of ["TLSv1", "TLSv1.1"] as const) {
      const result = await handshake(version, version);
      expect(result.ok, `${version} must be refused`).toBe(false);
    }
  });

  it("negotiates TLS 1.3 when the client offers it, and still accepts TLS 1.2", async () => {
    expect(await handshake("TLSv1", "TLSv1.3")).toEqual({ ok: true, protocol: "TLSv1.3" });
    expect(await handshake("TLSv1.2", "TLSv1.2")).toEqual({ ok: true, protocol: "TLSv1.2" });
  });
});
