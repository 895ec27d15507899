import { connect, type Socket } from "node:net";

// Raw HTTP/1.1 over a loopback socket: for methods fetch() refuses to send (TRACE, CONNECT),
// bytes that are not HTTP, and clients that send slowly.

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Sends `text` and reads until the server closes the connection. */
export function rawExchange(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
    socket.write(text);
  });
}

export function parseResponse(raw: string): RawResponse | undefined {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const [statusLine = "", ...lines] = raw.slice(0, end).split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers, body: raw.slice(end + 4) };
}

export async function rawRequest(url: string, method: string, path: string): Promise<RawResponse | undefined> {
  return parseResponse(await rawExchange(url, `${method} ${path} HTTP/1.1\r\nHost: airlock.test\r\nConnection: close\r\n\r\n`));
}

/** Opens a connection and resolves once it is established. */
export function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Resolves when the server has closed the socket (end or reset), with what it sent before. */
export function closedBy(socket: Socket): Promise<string> {
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  socket.on("error", () => undefined);
  return new Promise((resolve) => socket.once("close", () => resolve(Buffer.concat(chunks).toString("utf8"))));
}
