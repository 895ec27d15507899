import type { RawData } from "ws";

/** A WebSocket message as ws hands it over (one buffer, an ArrayBuffer, or fragments), as bytes. */
export function frameBytes(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? Buffer.from(data) : data;
}

/** A WebSocket text message as a string (UTF-8), whichever shape ws handed it over in. */
export function frameText(data: RawData): string {
  return frameBytes(data).toString("utf8");
}
