import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { asvsIds } from "./asvs-ids.js";
import { shippedPolicyDir } from "./load.js";

const corpus = JSON.parse(readFileSync(new URL("../../test/corpora/asvs/asvs-5.0.0.flat.json", import.meta.url), "utf8")) as { requirements: { req_id: string }[] };
const corpusIds = new Set(corpus.requirements.map((r) => r.req_id));

/** Every `asvs:` list in a parsed policy file, with where it sits. */
function asvsLists(value: unknown, at: string, out: { at: string; ids: unknown[] }[] = []): { at: string; ids: unknown[] }[] {
  if (Array.isArray(value)) value.forEach((v, i) => asvsLists(v, `${at}[${i}]`, out));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "asvs") out.push({ at: `${at}.asvs`, ids: Array.isArray(v) ? v : [v] });
      else asvsLists(v, `${at}.${k}`, out);
    }
  }
  return out;
}

describe("OWASP ASVS 5.0 references", () => {
  it("the id list the loader validates against is exactly the public ASVS 5.0.0 corpus", () => {
    expect([...asvsIds].sort()).toEqual([...corpusIds].sort());
  });

  const files = readdirSync(shippedPolicyDir).filter((f) => f.endsWith(".yaml"));
  it.each(files)("every id cited in policies/%s exists in ASVS 5.0.0", (file) => {
    const lists = asvsLists(parse(readFileSync(path.join(shippedPolicyDir, file), "utf8")), file);
    expect(lists.length).toBeGreaterThan(0);
    for (const { at, ids } of lists) {
      expect(ids.length, at).toBeGreaterThan(0);
      for (const id of ids) expect(corpusIds.has(String(id)), `${at}: ${String(id)}`).toBe(true);
    }
  });
});
