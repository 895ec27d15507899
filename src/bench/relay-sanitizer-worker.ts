import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Tokenizer } from "htmlparser2";
import sanitizeHtml from "sanitize-html";
import { PolicyEngine } from "../policy/engine.js";
import { shippedPolicyDir } from "../policy/load.js";
import { AssetUrlSigner } from "../relay/sanitizer/asset-url.js";
import { allowlistFromSanitizePolicy } from "../relay/sanitizer/policy-allowlist.js";
import { Sanitizer } from "../relay/sanitizer/sanitizer.js";
import type { SanitizerContender, SanitizerPass, SanitizerPassRequest } from "./relay-sanitizer.js";
import { discardAllOptions, keepAsIsOptions } from "./sanitize-html-reference.js";

// One measured pass of one contender over the htmlparser-benchmark pages, in a process of its
// own (forked by bench-relay-sanitizer.ts). A process per contender keeps V8's type feedback
// apart: htmlparser2's tokenizer, shared by every contender, runs several times faster when it
// has only ever seen one set of callbacks, and a tokenize-only pass measured in the same
// process as sanitize-html moved between 52 and 180 MB/s from run to run.

const pagesDir = fileURLToPath(new URL("../../node_modules/htmlparser-benchmark/files/", import.meta.url));

const noop = () => undefined;
const tokenizerCallbacks = {
  onattribdata: noop, onattribentity: noop, onattribend: noop, onattribname: noop, oncdata: noop, onclosetag: noop,
  oncomment: noop, ondeclaration: noop, onend: noop, onopentagend: noop, onopentagname: noop,
  onprocessinginstruction: noop, onselfclosingtag: noop, ontext: noop, ontextentity: noop,
};

function contender(name: SanitizerContender): (html: string) => unknown {
  if (name === "tokenize") {
    return (html) => {
      const t = new Tokenizer({ decodeEntities: true }, tokenizerCallbacks);
      t.write(html);
      t.end();
    };
  }
  const policy = PolicyEngine.load({ shippedDir: shippedPolicyDir, mode: "dev" });
  const allowlist = allowlistFromSanitizePolicy(policy.policy.sanitize);
  if (name === "sanitize-html-keep") {
    const options = keepAsIsOptions(allowlist);
    return (html) => sanitizeHtml(html, options);
  }
  if (name === "sanitize-html-discard") return (html) => sanitizeHtml(html, discardAllOptions);
  const sanitizer = new Sanitizer({
    allowlist,
    signer: new AssetUrlSigner("https://airlock.example"),
    site: { id: "bench", origins: ["https://www.example.com"] },
    maskSelectors: policy.policy.sites.sites.demo?.maskingSelectors ?? [],
    // Whole real pages: the per-frame node and depth limits are not what is measured here.
    maxNodes: Number.MAX_SAFE_INTEGER,
    maxDepth: Number.MAX_SAFE_INTEGER,
  });
  return (html) => sanitizer.html(html, "https://www.example.com/", { parent: 0, svg: false });
}

/** An untimed warm-up pass over every page, then the measured pass (CPU time of this process). */
function measurePass(request: SanitizerPassRequest): SanitizerPass {
  const files = readdirSync(pagesDir).sort().slice(0, request.pageLimit ?? undefined);
  const pages = files.map((f) => readFileSync(path.join(pagesDir, f), "utf8"));
  const run = contender(request.contender);
  for (const p of pages) run(p);
  const start = process.cpuUsage();
  for (const p of pages) run(p);
  const used = process.cpuUsage(start);
  return { cpuSeconds: (used.user + used.system) / 1e6, bytes: pages.reduce((n, p) => n + Buffer.byteLength(p), 0), pages: pages.length };
}

// Run only as a forked child: the parent sends one request and gets one answer.
if (process.send) {
  process.once("message", (request: SanitizerPassRequest) => {
    process.send?.(measurePass(request), () => process.exit(0));
  });
}
