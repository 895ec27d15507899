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
import { round } from "./bench-relay-figures.js";

// Sanitizer speed against htmlparser2's tokenizer alone (the floor any HTML sanitizer built on
// it pays), on the real pages of the npm package htmlparser-benchmark, single thread, rounds
// interleaved. Speeds are per CPU second of this process (user + system, GC threads included),
// so other load on the machine changes them much less than wall-clock time would.
// For reference, sanitize-html told to keep nothing at all: what sanitize-html itself costs
// before a single tag, attribute or text is emitted (a ceiling for any sanitizer built on it).

export interface SanitizerSpeed {
  readonly sanitizer_mb_s: number;
  readonly tokenize_only_mb_s: number;
  readonly sanitizer_vs_tokenize: number;
  readonly sanitize_html_discard_all_vs_tokenize: number;
  readonly pages: number;
  readonly megabytes_per_round: number;
  readonly rounds: number;
}

const pagesDir = fileURLToPath(new URL("../../node_modules/htmlparser-benchmark/files/", import.meta.url));

const noop = () => undefined;
const tokenizerCallbacks = {
  onattribdata: noop, onattribentity: noop, onattribend: noop, onattribname: noop, oncdata: noop, onclosetag: noop,
  oncomment: noop, ondeclaration: noop, onend: noop, onopentagend: noop, onopentagname: noop,
  onprocessinginstruction: noop, onselfclosingtag: noop, ontext: noop, ontextentity: noop,
};

/** `pageLimit` takes the first pages in name order (all of them by default). */
export function measureSanitizer(rounds: number, pageLimit = Number.POSITIVE_INFINITY): SanitizerSpeed {
  const pages = readdirSync(pagesDir).sort().slice(0, pageLimit).map((f) => readFileSync(path.join(pagesDir, f), "utf8"));
  const bytes = pages.reduce((n, p) => n + Buffer.byteLength(p), 0);
  const policy = PolicyEngine.load({ shippedDir: shippedPolicyDir, mode: "dev" });
  const sanitizer = new Sanitizer({
    allowlist: allowlistFromSanitizePolicy(policy.policy.sanitize),
    signer: new AssetUrlSigner("https://airlock.example"),
    site: { id: "bench", origins: ["https://www.example.com"] },
    maskSelectors: policy.policy.sites.sites.demo?.maskingSelectors ?? [],
    // Whole real pages: the per-frame node and depth limits are not what is measured here.
    maxNodes: Number.MAX_SAFE_INTEGER,
    maxDepth: Number.MAX_SAFE_INTEGER,
  });
  const tokenize = (html: string) => {
    const t = new Tokenizer({ decodeEntities: true }, tokenizerCallbacks);
    t.write(html);
    t.end();
  };
  const sanitize = (html: string) => sanitizer.html(html, "https://www.example.com/", { parent: 0, svg: false });
  const discardAll = (html: string) => sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} });
  let tokenizeSeconds = 0;
  let sanitizeSeconds = 0;
  let discardSeconds = 0;
  const time = (fn: (html: string) => unknown) => {
    const start = process.cpuUsage();
    for (const p of pages) fn(p);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e6;
  };
  time(tokenize); // warm-up
  time(sanitize);
  time(discardAll);
  for (let r = 0; r < rounds; r++) {
    tokenizeSeconds += time(tokenize);
    sanitizeSeconds += time(sanitize);
    discardSeconds += time(discardAll);
  }
  const mb = (bytes * rounds) / 1e6;
  const sanitizerMbS = mb / sanitizeSeconds;
  const tokenizeMbS = mb / tokenizeSeconds;
  return {
    sanitizer_mb_s: round(sanitizerMbS),
    tokenize_only_mb_s: round(tokenizeMbS),
    sanitizer_vs_tokenize: round(sanitizerMbS / tokenizeMbS, 3),
    sanitize_html_discard_all_vs_tokenize: round(tokenizeSeconds / discardSeconds, 3),
    pages: pages.length,
    megabytes_per_round: round(bytes / 1e6),
    rounds,
  };
}
