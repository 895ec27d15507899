import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A page host for asset proxy tests, on loopback: each path answers as the test says, and every
// request it receives is recorded (path and headers) so tests can check what the proxy sent.

export type Handler = (res: ServerResponse, path: string) => void;

export interface Upstream {
  readonly port: number;
  readonly origin: string;
  readonly requests: { path: string; headers: IncomingHttpHeaders }[];
  /** Bytes the upstream managed to write for streaming answers, per path. */
  readonly written: Map<string, number>;
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  const routes = new Map<string, Handler>();
  const requests: Upstream["requests"] = [];
  const written = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    requests.push({ path, headers: req.headers });
    const handler = routes.get(path.split("?")[0] ?? path);
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    handler(res, path);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    requests,
    written,
    route: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Streams `total` bytes in 16 KiB chunks without a Content-Length, recording how much got out. */
export function streamBytes(written: Map<string, number>, path: string, type: string, total: number): Handler {
  return (res) => {
    res.writeHead(200, { "content-type": type });
    let sent = 0;
    written.set(path, 0);
    const chunk = Buffer.alloc(16 * 1024, 0x41);
    const pump = () => {
      while (sent < total) {
        if (res.destroyed) return;
        sent += chunk.length;
        written.set(path, sent);
        if (!res.write(chunk)) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    res.on("close", () => written.set(path, sent));
    pump();
  };
}
