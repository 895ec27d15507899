import { readFileSync, readdirSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

// One static site folder of `bench fidelity`, served on loopback as a website that embeds
// Airlock: every HTML page that does not load /siteconnect.js gets the embed tag before </body>.
// Files are served only from inside the folder; nothing else answers.

export interface StaticSite {
  /** The folder's name, as the figures name the site. */
  readonly name: string;
  readonly origin: string;
  /** The site's HTML pages, relative to the folder, sorted. */
  readonly pages: readonly string[];
  close(): Promise<void>;
}

const types: Readonly<Record<string, string>> = {
  ".html": "text/html",
  ".htm": "text/html",
  ".css": "text/css",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".gif": "image/gif",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".webmanifest": "application/manifest+json",
};

/** HTML pages under `root`, relative paths, sorted (bounded: a folder of thousands is cut). */
export function htmlPages(root: string, limit = 1000): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length >= limit) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.html?$/i.test(entry.name)) out.push(path.relative(root, full).split(path.sep).join("/"));
    }
  };
  walk(root);
  return out;
}

/** The page with Airlock's embed tag added, unless it already loads /siteconnect.js. Bytes stay as they are (any charset). */
export function withEmbed(html: Buffer, airlockOrigin: string, siteKey: string): Buffer {
  const text = html.toString("latin1");
  if (/\/siteconnect\.js\b/.test(text)) return html;
  const tag = Buffer.from(`<script src="${airlockOrigin}/siteconnect.js" data-site-key="${siteKey}" defer></script>`, "latin1");
  const at = text.search(/<\/body\s*>/i);
  if (at < 0) return Buffer.concat([html, tag]);
  return Buffer.concat([html.subarray(0, at), tag, html.subarray(at)]);
}

export async function serveStaticSite(root: string, embed: { airlockOrigin: () => string; siteKey: string }): Promise<StaticSite> {
  const base = path.resolve(root);
  if (!statSync(base).isDirectory()) throw new Error(`${root} is not a folder`);
  const server: Server = createServer((req, res) => {
    let file: string;
    try {
      const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://site.invalid").pathname);
      file = path.resolve(base, `.${pathname.endsWith("/") ? `${pathname}index.html` : pathname}`);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (req.method !== "GET" || (file !== base && !file.startsWith(base + path.sep))) {
      res.writeHead(404).end();
      return;
    }
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      res.writeHead(404).end();
      return;
    }
    const type = types[path.extname(file).toLowerCase()] ?? "application/octet-stream";
    if (type === "text/html") body = withEmbed(body, embed.airlockOrigin(), embed.siteKey);
    res.writeHead(200, { "Content-Type": type, "Cache-Control": "no-store" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    name: path.basename(base),
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pages: htmlPages(base),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
