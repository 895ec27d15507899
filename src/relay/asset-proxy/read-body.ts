import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { AirlockError } from "../../errors.js";

/**
 * Reads an upstream body into memory, stopping at `maxBytes` (after decompression, so a small
 * compressed bomb is cut the same way): the connection is destroyed and nothing past the cap is
 * read or kept.
 */
export async function readCapped(res: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  const declared = Number(res.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw new AirlockError("asset_too_large", `the asset is larger than ${maxBytes} bytes`);
  }
  const source = decoded(res);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source) {
      const buf = chunk as Buffer;
      total += buf.length;
      if (total > maxBytes) throw new AirlockError("asset_too_large", `the asset is larger than ${maxBytes} bytes`);
      chunks.push(buf);
    }
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (err instanceof AirlockError) throw err;
    throw new AirlockError("asset_upstream_failed", "the asset body could not be read", { cause: err });
  } finally {
    res.destroy();
    if (source !== res) source.destroy();
  }
  return Buffer.concat(chunks, total);
}

function decoded(res: IncomingMessage): Readable {
  const encoding = String(res.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  switch (encoding) {
    case "identity":
    case "":
      return res;
    case "gzip":
    case "x-gzip":
      return res.pipe(createGunzip());
    case "deflate":
      return res.pipe(createInflate());
    case "br":
      return res.pipe(createBrotliDecompress());
    default:
      res.destroy();
      throw new AirlockError("asset_upstream_failed", "the asset uses an unsupported content encoding");
  }
}
