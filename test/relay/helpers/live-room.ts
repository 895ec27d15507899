import type { AssetKind } from "../../../src/relay/sanitizer/asset-url.js";
import { RecordingPeer } from "../../helpers/recording-peer.js";
import type { TestServer } from "../../helpers/server.js";

// A co-browse room really running in a test server's relay (a visit opened as a visitor's
// `hello` opens it), and asset proxy URLs signed for it the way its sanitizer signs them:
// bound to the room and valid for `lifetimeMs`. Ending the room kills its URLs.

export interface LiveRoom {
  readonly room: string;
  assetUrl(url: string, kind?: AssetKind, lifetimeMs?: number): string;
  end(): void;
}

export function openLiveRoom(server: TestServer, origin: string, siteKey: string): LiveRoom {
  const opened = server.services.relay.openVisitor(
    new RecordingPeer(),
    { kind: "hello", versions: [1], siteKey, url: `${origin}/`, viewport: { width: 800, height: 600 } },
    origin,
  );
  if (!opened.ok) throw new Error(`the test visit was refused: ${opened.failure.code}`);
  const { visit } = opened;
  const room = visit.roomId;
  return {
    room,
    assetUrl: (url, kind = "image", lifetimeMs = 600_000) =>
      server.services.assets.signer.sign({ site: visit.siteId, url, kind, room, expires: Math.ceil((Date.now() + lifetimeMs) / 1000) }),
    end: () => visit.room?.end("visitor_ended"),
  };
}
