// Generates compliance/oscal-component-definition.json: an OSCAL 1.1 component definition of
// Airlock for assessors, from compliance/asvs-mapping.yaml, compliance/iso27001-soa.yaml and
// compliance/claims.yaml (one control implementation each). Whatever those files hold is what it
// says; test/compliance/oscal-component-definition.test.ts fails when the committed file is not
// what this renders, or is not structurally valid OSCAL.
//   node scripts/oscal-component-definition.ts           write the file (`make compliance`)
//   node scripts/oscal-component-definition.ts --check   exit 1 when it is not current
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";

export const OSCAL_FILE = "compliance/oscal-component-definition.json";
export const OSCAL_VERSION = "1.1.2";
/** Namespace of Airlock's own props (status, responsibility, source id). */
export const PROP_NS = "urn:airlock:oscal";

// UUIDs are version 5 (name-based) under this namespace, so the same source gives the same file.
const UUID_NAMESPACE = "2f9c7e44-5b7a-4f4e-9d0e-6c1a3b8e2d17";

export function uuidFor(name: string): string {
  const ns = Buffer.from(UUID_NAMESPACE.replace(/-/g, ""), "hex");
  const hash = createHash("sha1").update(ns).update(name).digest();
  const b = hash.subarray(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x50;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

type Evidence = string | { file: string; test: string };
interface Prop {
  name: string;
  ns: string;
  value: string;
}
interface Link {
  href: string;
  rel: string;
  text?: string;
}
export interface ImplementedRequirement {
  uuid: string;
  "control-id": string;
  description: string;
  props: Prop[];
  links: Link[];
}
interface ControlImplementation {
  uuid: string;
  source: string;
  description: string;
  props: Prop[];
  "implemented-requirements": ImplementedRequirement[];
}

const prop = (name: string, value: string): Prop => ({ name, ns: PROP_NS, value });

function evidenceLinks(evidence: readonly Evidence[] | undefined): Link[] {
  return (evidence ?? []).map((e) => (typeof e === "string" ? { href: e, rel: "reference" } : { href: e.file, rel: "evidence", text: e.test }));
}

/** OSCAL control ids are tokens (a letter first): ISO's "5.1" becomes "a.5.1". */
export function controlIdOf(source: "asvs" | "iso" | "claims", id: string): string {
  return source === "iso" ? `a.${id}` : source === "asvs" ? id.toLowerCase() : id;
}

function read(root: string, file: string): Record<string, unknown> {
  return YAML.parse(readFileSync(path.join(root, file), "utf8")) as Record<string, unknown>;
}

function requirement(source: "asvs" | "iso" | "claims", file: string, id: string, description: string, props: Prop[], evidence: readonly Evidence[] | undefined): ImplementedRequirement {
  return {
    uuid: uuidFor(`${file}#${id}`),
    "control-id": controlIdOf(source, id),
    description,
    props: [prop("source-id", id), ...props],
    links: [{ href: `${file}#${id}`, rel: "reference" }, ...evidenceLinks(evidence)],
  };
}

function asvs(root: string): ControlImplementation {
  const file = "compliance/asvs-mapping.yaml";
  const doc = read(root, file) as { standard: string; targetLevel: number; requirements: Record<string, { status: string; summary?: string; reason?: string; evidence?: Evidence[] }> };
  return {
    uuid: uuidFor(file),
    source: "https://github.com/OWASP/ASVS/tree/v5.0.0",
    description: `${doc.standard}: how Airlock meets each mapped requirement (target level ${doc.targetLevel}), from ${file}.`,
    props: [prop("source-file", file), prop("target-level", String(doc.targetLevel))],
    "implemented-requirements": Object.entries(doc.requirements).map(([id, r]) =>
      requirement("asvs", file, id, r.summary ?? r.reason ?? "", [prop("status", r.status)], r.evidence),
    ),
  };
}

function iso(root: string): ControlImplementation {
  const file = "compliance/iso27001-soa.yaml";
  const doc = read(root, file) as { standard: string; controls: Record<string, { title: string; applicable: boolean; responsibility: string; justification: string; evidence?: Evidence[] }> };
  return {
    uuid: uuidFor(file),
    source: "https://www.iso.org/standard/27001",
    description: `${doc.standard} statement of applicability for an Airlock deployment, from ${file}.`,
    props: [prop("source-file", file)],
    "implemented-requirements": Object.entries(doc.controls).map(([id, c]) =>
      requirement("iso", file, id, `${c.title}: ${c.justification}`, [prop("applicable", String(c.applicable)), prop("responsibility", c.responsibility)], c.evidence),
    ),
  };
}

function claims(root: string): ControlImplementation {
  const file = "compliance/claims.yaml";
  const doc = read(root, file) as { claims: Record<string, { claim: string; responsibility: string; control: string; configuration: string; status?: string; gap?: string; tests?: Evidence[]; documents?: string[] }> };
  return {
    uuid: uuidFor(file),
    source: file,
    description: `Airlock's public security claims, each with who is responsible, the control and its tests, from ${file}.`,
    props: [prop("source-file", file)],
    "implemented-requirements": Object.entries(doc.claims).map(([id, c]) =>
      requirement(
        "claims",
        file,
        id,
        `${c.claim} ${c.control}${c.gap ? ` Gap: ${c.gap}` : ""}`,
        [prop("responsibility", c.responsibility), prop("status", c.status ?? "met"), prop("configuration", c.configuration)],
        [...(c.tests ?? []), ...(c.documents ?? [])],
      ),
    ),
  };
}

function packageVersion(root: string): string {
  return (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
}

/**
 * The component definition. `lastModified` is kept from the committed file when nothing else
 * changed, so the file is reproducible; it becomes `now` when the content changes.
 */
export function renderOscal(root: string, now: Date = new Date()): string {
  const body = (lastModified: string) =>
    JSON.stringify(
      {
        "component-definition": {
          uuid: uuidFor("airlock-component-definition"),
          metadata: { title: "Airlock: co-browsing and live chat appliance", "last-modified": lastModified, version: packageVersion(root), "oscal-version": OSCAL_VERSION },
          components: [
            {
              uuid: uuidFor("component:airlock"),
              type: "software",
              title: "Airlock",
              description: "Self-hosted co-browsing and live-chat appliance: one script on the website, every page and message passing through Airlock's server, which sanitizes it. Server, CLI, Helm chart and policy files.",
              props: [prop("version", packageVersion(root))],
              "control-implementations": [asvs(root), iso(root), claims(root)],
            },
          ],
        },
      },
      null,
      2,
    ) + "\n";
  const target = path.join(root, OSCAL_FILE);
  if (existsSync(target)) {
    const committed = readFileSync(target, "utf8");
    const kept = /"last-modified": "([^"]+)"/.exec(committed)?.[1];
    if (kept && body(kept) === committed) return committed;
  }
  return body(now.toISOString());
}

/** The committed file and what the sources give now, each without its last-modified time. */
export function oscalIsCurrent(root: string): boolean {
  const target = path.join(root, OSCAL_FILE);
  if (!existsSync(target)) return false;
  return renderOscal(root) === readFileSync(target, "utf8");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(import.meta.dirname, "..");
  if (process.argv.includes("--check")) {
    const current = oscalIsCurrent(root);
    if (!current) console.error(`${OSCAL_FILE} is not current: run make compliance`);
    process.exit(current ? 0 : 1);
  }
  const current = oscalIsCurrent(root);
  if (!current) writeFileSync(path.join(root, OSCAL_FILE), renderOscal(root));
  console.log(current ? `${OSCAL_FILE} is current` : `updated ${OSCAL_FILE}`);
}
