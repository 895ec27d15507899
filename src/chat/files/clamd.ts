import { connect, type Socket } from "node:net";

/** What clamd said about one stream. */
export type ScanVerdict = { readonly clean: true } | { readonly clean: false; readonly signature: string };

export interface MalwareScanner {
  /** Throws ScannerUnavailable when the scanner cannot give a verdict (nothing is then delivered). */
  scan(bytes: Uint8Array): Promise<ScanVerdict>;
}

export class ScannerUnavailable extends Error {
  constructor(reason: string) {
    super(`malware scanner unavailable: ${reason}`);
    this.name = "ScannerUnavailable";
  }
}

/** Where clamd listens: `unix:/run/clamav/clamd.ctl` or `tcp://127.0.0.1:3310`. */
export type ClamdAddress = { readonly path: string } | { readonly host: string; readonly port: number };

export function parseClamdAddress(value: string): ClamdAddress | undefined {
  if (value.startsWith("unix:")) {
    const path = value.slice("unix:".length);
    return path.startsWith("/") ? { path } : undefined;
  }
  const m = /^tcp:\/\/([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(value);
  if (!m?.[1] || !m[2]) return undefined;
  const port = Number(m[2]);
  return port >= 1 && port <= 65_535 ? { host: m[1].replace(/^\[|\]$/g, ""), port } : undefined;
}

/** clamd's INSTREAM chunks: big enough to be few, far below its StreamMaxLength. */
const CHUNK = 64 * 1024;
/** A verdict line is short ("stream: Win.Test.EICAR_HDB-1 FOUND"); anything longer is not clamd. */
const MAX_REPLY = 1024;

/**
 * Scans with clamd's INSTREAM command over its socket: `zINSTREAM\0`, then the bytes as
 * length-prefixed chunks (4-byte big-endian length), then a zero length; clamd answers one
 * NUL-terminated line, `stream: OK` or `stream: NAME FOUND`. One connection per scan, bounded in
 * time; any other answer, a refused connection or a timeout is "unavailable", never "clean".
 */
export class ClamdScanner implements MalwareScanner {
  constructor(
    private readonly address: ClamdAddress,
    private readonly timeoutMs = 30_000,
  ) {}

  scan(bytes: Uint8Array): Promise<ScanVerdict> {
    return new Promise<ScanVerdict>((resolve, reject) => {
      const socket: Socket = "path" in this.address ? connect({ path: this.address.path }) : connect({ host: this.address.host, port: this.address.port });
      let reply = "";
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        outcome();
      };
      const fail = (reason: string) => finish(() => reject(new ScannerUnavailable(reason)));
      const timer = setTimeout(() => fail("timed out"), this.timeoutMs);
      socket.on("error", (err) => fail(err.message));
      socket.on("data", (chunk: Buffer) => {
        reply += chunk.toString("latin1");
        if (reply.length > MAX_REPLY) return fail("reply too long");
        const end = reply.indexOf("\0");
        if (end >= 0) {
          const line = reply.slice(0, end);
          finish(() => {
            const verdict = verdictOf(line);
            if (verdict) resolve(verdict);
            else reject(new ScannerUnavailable(`unexpected reply: ${line.slice(0, 80)}`));
          });
        }
      });
      socket.on("end", () => fail("closed without a verdict"));
      socket.on("connect", () => {
        socket.write("zINSTREAM\0");
        for (let at = 0; at < bytes.length; at += CHUNK) {
          const part = bytes.subarray(at, Math.min(at + CHUNK, bytes.length));
          const size = Buffer.alloc(4);
          size.writeUInt32BE(part.length);
          socket.write(size);
          socket.write(part);
        }
        socket.write(Buffer.alloc(4));
      });
    });
  }
}

/** `stream: OK` → clean; `stream: NAME FOUND` → the signature; anything else (an ERROR line) → undefined. */
export function verdictOf(line: string): ScanVerdict | undefined {
  const text = line.trim();
  if (text === "stream: OK") return { clean: true };
  const found = /^stream: (\S{1,200}) FOUND$/.exec(text);
  return found?.[1] ? { clean: false, signature: found[1] } : undefined;
}
