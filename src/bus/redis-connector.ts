import { StandaloneConnector } from "ioredis/built/connectors/index.js";
import type { StandaloneConnectionOptions } from "ioredis/built/connectors/StandaloneConnector.js";
import type { NetStream } from "ioredis/built/types.js";

/**
 * ioredis's socket connector with an error listener that lasts the socket's whole life.
 *
 * ioredis listens for a connection's socket errors with `once`. A TLS socket can fail twice — a
 * reset while the handshake is cut short, then the server's alert — and the second error, with no
 * listener left, would end the whole process. ioredis still sees and reports the first error and
 * reconnects on `close`; the later ones add nothing and are dropped here.
 */
export class LastingErrorListenerConnector extends StandaloneConnector {
  // ioredis hands every connector its own options object, typed `unknown` in its constructor type.
  constructor(options: unknown) {
    super(options as StandaloneConnectionOptions);
  }

  override async connect(...args: Parameters<StandaloneConnector["connect"]>): Promise<NetStream> {
    const stream = await super.connect(...args);
    stream.on("error", () => undefined);
    return stream;
  }
}
