import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a test receiver got: its headers and raw body. */
export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Receiver {
  readonly url: string;
  readonly port: number;
  readonly received: Received[];
  /** Status codes to answer, in order; after the list, `fallback`. */
  answer(statuses: readonly number[], fallback?: number): void;
  close(): Promise<void>;
}

/** A CRM stand-in on loopback: records every POST and answers the scripted status (with a body Airlock must never keep). */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let queue: number[] = [];
  let fallback = 200;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const status = queue.shift() ?? fallback;
      if (status >= 300 && status < 400) res.setHeader("location", "http://169.254.169.254/latest/meta-data/");
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(`receiver-secret-response-${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    answer(statuses, fb = 200) {
      queue = [...statuses];
      fallback = fb;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
