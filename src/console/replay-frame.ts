import { ASSET_PATH } from "../relay/sanitizer/asset-url.js";
import { serializeCsp } from "../http/security-headers.js";
import { defineRoute } from "../http/route.js";
import { REPLAY_FRAME_PATH } from "./viewer/replay-frame-path.js";

// The empty document the agent's replay frame starts from. Its CSP is the page copy's last line
// of defence: no script of any kind, no connections, no forms, no plugins, no nested frames;
// styles, images, fonts and media only from the asset proxy (plus inline styles, which the
// relay's CSS sanitizer has already cleaned), and images from `blob:` URLs, which only the
// console's own code can mint (canvas images the relay checked; see canvas-painter.ts and
// ADR 0002). It may be framed by the console only.

export function replayFrameCsp(publicUrl: string): string {
  const proxy = publicUrl.replace(/\/+$/, "") + ASSET_PATH;
  return serializeCsp({
    "default-src": ["'none'"],
    "script-src": ["'none'"],
    "script-src-attr": ["'none'"],
    "style-src": ["'unsafe-inline'", proxy],
    "img-src": [proxy, "blob:"],
    "font-src": [proxy],
    "media-src": [proxy],
    "connect-src": ["'none'"],
    "frame-src": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'self'"],
  });
}

const emptyDocument = '<!doctype html><html><head><meta charset="utf-8"><title>Replay</title></head><body></body></html>';

export const replayFrame = defineRoute({
  method: "GET",
  path: REPLAY_FRAME_PATH,
  access: { public: true },
  handler: (ctx, { config }) => {
    ctx.set("Content-Security-Policy", replayFrameCsp(config.publicUrl));
    ctx.set("X-Frame-Options", "SAMEORIGIN");
    ctx.type = "text/html; charset=utf-8";
    ctx.body = emptyDocument;
  },
});
