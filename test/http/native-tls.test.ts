import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startTestServer } from "../helpers/server.js";

// Deployments without an ingress can terminate TLS in Airlock itself.
describe("native TLS", () => {
  it("serves HTTPS with the configured certificate and key", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "airlock-tls-"));
    const cert = path.join(dir, "cert.pem");
    const key = path.join(dir, "key.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], { stdio: "ignore" });
    const server = await startTestServer({ AIRLOCK_TLS_CERT_FILE: cert, AIRLOCK_TLS_KEY_FILE: key, AIRLOCK_PUBLIC_URL: "https://127.0.0.1:8443" });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const { status, hsts, csp } = await new Promise<{ status: number; hsts: string; csp: string }>((resolve, reject) => {
        request(`${server.url}/healthz`, { ca: readFileSync(cert) }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, hsts: String(res.headers["strict-transport-security"]), csp: String(res.headers["content-security-policy"]) });
        }).on("error", reject).end();
      });
      expect(status).toBe(200);
      expect(hsts).toBe("max-age=63072000; includeSubDomains");
      expect(csp).toContain("upgrade-insecure-requests");
    } finally {
      await server.stop();
    }
  });
});
