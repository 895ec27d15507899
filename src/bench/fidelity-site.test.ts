import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { htmlPages, serveStaticSite, withEmbed, type StaticSite } from "./fidelity-site.js";

// The static site server of `bench fidelity`: pages get Airlock's embed tag once, and nothing
// outside the site folder is ever served (a hostile path, encoded or not, is a 404).

function get(origin: string, rawPath: string, method = "GET"): Promise<{ status: number; body: string }> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: rawPath, method }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString("latin1")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("bench fidelity's static site", () => {
  let root: string;
  let site: StaticSite;
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "fidelity-site-"));
    mkdirSync(path.join(root, "docs", "sub"), { recursive: true });
    writeFileSync(path.join(root, "docs", "index.html"), "<html><body><p>caf\xe9</p></body></html>", "latin1");
    writeFileSync(path.join(root, "docs", "sub", "b.htm"), "<p>no body</p>");
    writeFileSync(path.join(root, "docs", "style.css"), "p{color:red}");
    writeFileSync(path.join(root, "secret.txt"), "outside the site");
    site = await serveStaticSite(path.join(root, "docs"), { airlockOrigin: () => "http://127.0.0.1:9", siteKey: "bench-fidelity-site-0001" });
  });
  afterAll(async () => {
    await site.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("lists the folder's HTML pages, sorted and bounded", () => {
    expect(site.pages).toEqual(["index.html", "sub/b.htm"]);
    expect(htmlPages(path.join(root, "docs"), 1)).toEqual(["index.html"]);
  });

  it("adds the embed tag before </body>, keeps the page's bytes, and never twice", async () => {
    const page = await get(site.origin, "/index.html");
    expect(page.body).toBe('<html><body><p>caf\xe9</p><script src="http://127.0.0.1:9/siteconnect.js" data-site-key="bench-fidelity-site-0001" defer></script></body></html>');
    const once = withEmbed(Buffer.from(page.body, "latin1"), "http://127.0.0.1:9", "bench-fidelity-site-0001");
    expect(once.toString("latin1")).toBe(page.body);
    expect((await get(site.origin, "/sub/b.htm")).body).toMatch(/^<p>no body<\/p><script src=/);
    expect((await get(site.origin, "/style.css")).body).toBe("p{color:red}");
  });

  it("serves nothing outside the folder, however the path is written", async () => {
    for (const p of ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/sub/%2e%2e/%2e%2e/secret.txt", "/%E0%A4%A", "/missing.html"]) {
      const res = await get(site.origin, p);
      expect([400, 404], p).toContain(res.status);
      expect(res.body).not.toContain("outside the site");
    }
    expect((await get(site.origin, "/index.html", "POST")).status).toBe(404);
  });
});
