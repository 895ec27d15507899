import { createConnection, createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

// A load balancer without sticky sessions, on loopback: each TCP connection goes to the first
// backend in `order` that accepts it. A killed server process refuses connections, so the next
// connection goes on to the next one, as a real load balancer's health checks would have it.

export interface FrontDoor {
  readonly url: string;
  /** Backend ports, tried in this order for every new connection. */
  order: number[];
  close(): Promise<void>;
}

export async function startFrontDoor(order: number[]): Promise<FrontDoor> {
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.on("close", () => open.delete(client));
    client.pause();
    const tryBackend = (i: number): void => {
      const port = door.order[i];
      if (port === undefined) return void client.destroy();
      const upstream = createConnection({ host: "127.0.0.1", port });
      let connected = false;
      upstream.once("error", () => {
        upstream.destroy();
        if (!connected) tryBackend(i + 1);
        else client.destroy();
      });
      upstream.once("connect", () => {
        connected = true;
        open.add(upstream);
        upstream.on("close", () => {
          open.delete(upstream);
          client.destroy();
        });
        upstream.on("error", () => client.destroy());
        client.on("error", () => upstream.destroy());
        client.on("close", () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryBackend(0);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const door: FrontDoor = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    order,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return door;
}
