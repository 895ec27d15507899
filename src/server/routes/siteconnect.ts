import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { AirlockError } from "../../errors.js";
import { defineRoute } from "../../http/route.js";

// Serves the visitor script that websites embed (built by scripts/build-visitor.mjs). It is
// loaded cross-origin by registered sites, so it carries CORP cross-origin and CORS `*` (for
// `crossorigin` + SRI embeds); it is cacheable and revalidated by ETag, since the URL has no
// version in it. Precompressed once in memory.

// Three levels below the project root both in src/ (tests) and in dist/ (builds).
const bundleUrl = new URL("../../../dist/visitor/siteconnect.js", import.meta.url);

interface Bundle {
  readonly raw: Buffer;
  readonly gzip: Buffer;
  readonly etag: string;
}

let cached: Bundle | undefined;

function loadBundle(): Bundle {
  if (cached) return cached;
  let raw: Buffer;
  try {
    raw = readFileSync(bundleUrl);
  } catch (err) {
    throw new AirlockError("not_found", "the visitor script has not been built (npm run build)", { cause: err });
  }
  cached = { raw, gzip: gzipSync(raw, { level: 9 }), etag: `"${createHash("sha256").update(raw).digest("base64url").slice(0, 27)}"` };
  return cached;
}

export const siteconnectScript = defineRoute({
  method: "GET",
  path: "/siteconnect.js",
  access: { public: true },
  handler: (ctx) => {
    const bundle = loadBundle();
    ctx.set("Cross-Origin-Resource-Policy", "cross-origin");
    ctx.set("Access-Control-Allow-Origin", "*");
    ctx.set("Cache-Control", "public, max-age=300, must-revalidate");
    ctx.set("ETag", bundle.etag);
    ctx.set("Vary", "Accept-Encoding");
    ctx.type = "text/javascript; charset=utf-8";
    if (ctx.get("If-None-Match") === bundle.etag) {
      ctx.status = 304;
      return;
    }
    if (ctx.acceptsEncodings("gzip", "identity") === "gzip") {
      ctx.set("Content-Encoding", "gzip");
      ctx.body = bundle.gzip;
    } else ctx.body = bundle.raw;
  },
});
