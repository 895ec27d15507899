import { readFileSync } from "node:fs";
import path from "node:path";

export interface CorpusPayload {
  readonly name: string;
  readonly payload: string;
  /** h5sc: JavaScript simulating the user interaction the vector needs. */
  readonly trigger?: string;
}

const dir = path.resolve("test/corpora/xss");
const read = (file: string): unknown[] => JSON.parse(readFileSync(path.join(dir, file), "utf8")) as unknown[];

/** Every payload of the three public XSS corpora. */
export function allPayloads(): CorpusPayload[] {
  const out: CorpusPayload[] = [];
  for (const [i, e] of read("dompurify.json").entries()) {
    const { payload } = e as { payload: string };
    out.push({ name: `dompurify#${i}`, payload });
  }
  for (const e of read("h5sc.json")) {
    const { id, payload, trigger } = e as { id: number; payload: string; trigger?: string };
    out.push({ name: `h5sc#${id}`, payload, ...(trigger ? { trigger } : {}) });
  }
  for (const [i, e] of read("owasp-xss-filter-evasion.json").entries()) {
    const { payload } = e as { payload: string };
    out.push({ name: `owasp#${i}`, payload });
  }
  return out;
}
