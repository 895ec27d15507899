// A throwaway PKI made with openssl for the TLS tests: a trusted CA with a server and a client
// certificate, and a second, untrusted CA whose server certificate Airlock must refuse.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface Pki {
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A CA Airlock does not trust, and a server certificate it signed for the same host names. */
  readonly rogueCaCert: string;
  readonly rogueServerCert: string;
  readonly rogueServerKey: string;
  /** Signed by the trusted CA, but for a host name that is not 127.0.0.1 (verify-full must refuse it). */
  readonly otherHostCert: string;
  readonly otherHostKey: string;
}

function openssl(args: string[]): void {
  execFileSync("openssl", args, { stdio: "pipe", timeout: 30_000 });
}

function makeCa(dir: string, name: string): { cert: string; key: string } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", `/CN=Airlock test ${name}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  return { cert, key };
}

function issue(dir: string, name: string, ca: { cert: string; key: string }, subject: string, extensions: string): { cert: string; key: string } {
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.crt`);
  const ext = path.join(dir, `${name}.ext`);
  writeFileSync(ext, extensions);
  openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr, "-subj", subject]);
  openssl(["x509", "-req", "-in", csr, "-CA", ca.cert, "-CAkey", ca.key, "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext]);
  chmodSync(key, 0o600);
  return { cert, key };
}

const SERVER_EXT = "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n";

export function makePki(dir: string): Pki {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = makeCa(dir, "ca");
  const rogue = makeCa(dir, "rogue-ca");
  const server = issue(dir, "server", ca, "/CN=localhost", SERVER_EXT);
  const client = issue(dir, "client", ca, "/CN=airlock", "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
  const rogueServer = issue(dir, "rogue-server", rogue, "/CN=localhost", SERVER_EXT);
  const otherHost = issue(dir, "other-host", ca, "/CN=db.elsewhere.example", SERVER_EXT.replace("IP:127.0.0.1,DNS:localhost", "DNS:db.elsewhere.example"));
  return {
    caCert: ca.cert,
    serverCert: server.cert,
    serverKey: server.key,
    clientCert: client.cert,
    clientKey: client.key,
    rogueCaCert: rogue.cert,
    rogueServerCert: rogueServer.cert,
    rogueServerKey: rogueServer.key,
    otherHostCert: otherHost.cert,
    otherHostKey: otherHost.key,
  };
}
