// Writes the image SBOM: a CycloneDX 1.5 document for one built Airlock image, read from the
// image itself, never from the recipe that should have produced it:
//   - Airlock (metadata.component, type application) at the image's version label,
//   - the image (type container, its ID as version),
//   - the Node runtime, by running the image's node with --version,
//   - every Debian package the image records in /var/lib/dpkg/status.d (one control record per
//     package, as distroless ships them and as the offline stand-in base writes them),
//   - a BOM-Link to the npm SBOM (compliance/sbom.cdx.json) for the packages under /app/node_modules.
// The output is reproducible: no timestamp, serial number derived from the image ID.
//   node scripts/image-sbom.ts IMAGE [--out FILE]     (stdout without --out)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const STATUS_DIR = "/var/lib/dpkg/status.d";

export interface DebPackage {
  readonly name: string;
  readonly version: string;
  readonly arch: string;
  readonly source?: string;
}

/** A malformed package record: which file and what is wrong, so the build names it. */
export class DebRecordError extends Error {
  readonly file: string;
  readonly code: "deb_record_field_missing" | "deb_record_malformed";
  constructor(file: string, code: DebRecordError["code"], detail: string) {
    super(`${code}: ${file}: ${detail}`);
    this.file = file;
    this.code = code;
  }
}

/** Parses one dpkg control record (the `dpkg-deb -f` / status.d layout). */
export function parseDebRecord(text: string, file: string): DebPackage {
  const fields = new Map<string, string>();
  let last = "";
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    if (/^[ \t]/.test(line)) {
      if (!last) throw new DebRecordError(file, "deb_record_malformed", "continuation line before any field");
      continue; // continuation of a multi-line field (Description, Conffiles…): not needed here
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw new DebRecordError(file, "deb_record_malformed", `not a "Field: value" line: ${JSON.stringify(line.slice(0, 60))}`);
    last = line.slice(0, colon).toLowerCase();
    fields.set(last, line.slice(colon + 1).trim());
  }
  const need = (field: string): string => {
    const value = fields.get(field);
    if (!value) throw new DebRecordError(file, "deb_record_field_missing", `no ${field} field`);
    return value;
  };
  const name = need("package");
  const version = need("version");
  const arch = need("architecture");
  if (!/^[a-z0-9][a-z0-9+.-]*$/.test(name)) throw new DebRecordError(file, "deb_record_malformed", `not a Debian package name: ${JSON.stringify(name)}`);
  if (!/^[A-Za-z0-9.+~:-]+$/.test(version)) throw new DebRecordError(file, "deb_record_malformed", `not a Debian version: ${JSON.stringify(version)}`);
  const source = fields.get("source")?.split(" ")[0];
  return source && source !== name ? { name, version, arch, source } : { name, version, arch };
}

/** Reads every record of a status.d folder; distroless also keeps NAME.md5sums files there. */
export function readStatusDir(dir: string): DebPackage[] {
  return readdirSync(dir)
    .filter((f) => !f.endsWith(".md5sums"))
    .sort()
    .map((f) => parseDebRecord(readFileSync(path.join(dir, f), "utf8"), path.posix.join(STATUS_DIR, f)));
}

/** Package URL for a Debian binary package (purl spec: the version is percent-encoded, epoch included). */
export function debPurl(p: DebPackage): string {
  const qualifiers = [`arch=${encodeURIComponent(p.arch)}`];
  if (p.source) qualifiers.push(`upstream=${encodeURIComponent(p.source)}`);
  return `pkg:deb/debian/${encodeURIComponent(p.name)}@${encodeURIComponent(p.version)}?${qualifiers.join("&")}`;
}

export interface ImageFacts {
  readonly reference: string;
  readonly id: string; // sha256 hex of the image config
  readonly labels: Readonly<Record<string, string>>;
  readonly nodeVersion: string; // as `node --version` prints it, e.g. v24.21.0
  readonly packages: readonly DebPackage[];
  readonly npmSbomSerial: string | undefined;
}

/** The CycloneDX document for one image, deterministic in its facts. */
export function imageSbom(facts: ImageFacts): Record<string, unknown> {
  if (!/^[0-9a-f]{64}$/.test(facts.id)) throw new Error(`image ID is not a sha256 hex digest: ${facts.id}`);
  const node = /^v(\d+\.\d+\.\d+)$/.exec(facts.nodeVersion.trim())?.[1];
  if (!node) throw new Error(`the image's node printed no version: ${JSON.stringify(facts.nodeVersion.slice(0, 80))}`);
  const version = facts.labels["org.opencontainers.image.version"] ?? "unknown";
  const d = facts.id;
  const serial = `${d.slice(0, 8)}-${d.slice(8, 12)}-5${d.slice(13, 16)}-${((parseInt(d.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${d.slice(18, 20)}-${d.slice(20, 32)}`;
  const repository = facts.reference.replace(/[:@][^/]*$/, "");
  const airlock: Record<string, unknown> = {
    type: "application",
    "bom-ref": "airlock",
    name: "airlock",
    version,
    licenses: facts.labels["org.opencontainers.image.licenses"] ? [{ expression: facts.labels["org.opencontainers.image.licenses"] }] : undefined,
    properties: [
      { name: "airlock:image-id", value: `sha256:${d}` },
      { name: "airlock:revision", value: facts.labels["org.opencontainers.image.revision"] ?? "unknown" },
    ],
  };
  if (facts.npmSbomSerial) {
    // BOM-Link (CycloneDX 1.5): the npm packages under /app/node_modules are in the npm SBOM.
    airlock.externalReferences = [{ type: "bom", url: `${facts.npmSbomSerial.replace(/^urn:uuid:/, "urn:cdx:")}/1`, comment: "npm packages in /app/node_modules: compliance/sbom.cdx.json" }];
  }
  const components = [
    {
      type: "container",
      "bom-ref": "image",
      name: repository,
      version: `sha256:${d}`,
      purl: `pkg:oci/${encodeURIComponent(repository.split("/").pop() ?? "airlock")}@${encodeURIComponent(`sha256:${d}`)}?repository_url=${encodeURIComponent(repository)}`,
    },
    {
      type: "application",
      "bom-ref": `node@${node}`,
      name: "node",
      version: node,
      description: "Node.js runtime (the image's entrypoint)",
      purl: `pkg:generic/node@${node}`,
      cpe: `cpe:2.3:a:nodejs:node.js:${node}:*:*:*:*:*:*:*`,
    },
    ...[...facts.packages]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((p) => ({ type: "library", "bom-ref": debPurl(p), name: p.name, version: p.version, purl: debPurl(p) })),
  ];
  return {
    $schema: "http://cyclonedx.org/schema/bom-1.5.schema.json",
    bomFormat: "CycloneDX",
    specVersion: "1.5",
    serialNumber: `urn:uuid:${serial}`,
    version: 1,
    metadata: { tools: { components: [{ type: "application", name: "airlock image-sbom" }] }, component: airlock },
    components,
    dependencies: [{ ref: "airlock", dependsOn: components.map((c) => c["bom-ref"]) }],
  };
}

function podman(args: readonly string[]): string {
  return execFileSync("podman", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 }).trim();
}

/** Reads the facts from the built image: its config, its package records and its node. */
export function readImage(reference: string, root: string): ImageFacts {
  const [inspect] = JSON.parse(podman(["image", "inspect", reference])) as { Id: string; Config: { Labels?: Record<string, string>; Entrypoint?: string[] } }[];
  if (!inspect) throw new Error(`podman knows no image ${reference}`);
  const nodeBinary = inspect.Config.Entrypoint?.[0];
  if (!nodeBinary) throw new Error(`${reference} has no entrypoint to run as node`);
  const nodeVersion = podman(["run", "--rm", "--network=none", "--read-only", "--entrypoint", nodeBinary, reference, "--version"]);
  const dir = mkdtempSync(path.join(tmpdir(), "airlock-image-sbom-"));
  const container = podman(["create", "--network=none", reference]);
  try {
    try {
      podman(["cp", `${container}:${STATUS_DIR}`, path.join(dir, "status.d")]);
    } catch {
      throw new Error(`${reference} records no Debian packages: ${STATUS_DIR} is missing (a base image without package records cannot be inventoried)`);
    }
    const packages = readStatusDir(path.join(dir, "status.d"));
    if (packages.length === 0) throw new Error(`${reference} records no Debian packages in ${STATUS_DIR}`);
    let npmSbomSerial: string | undefined;
    try {
      npmSbomSerial = (JSON.parse(readFileSync(path.join(root, "compliance/sbom.cdx.json"), "utf8")) as { serialNumber?: string }).serialNumber;
    } catch {
      npmSbomSerial = undefined;
    }
    return { reference, id: inspect.Id, labels: inspect.Config.Labels ?? {}, nodeVersion, packages, npmSbomSerial };
  } finally {
    podman(["rm", "-f", container]);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(import.meta.dirname, "..");
  const args = process.argv.slice(2);
  const outAt = args.indexOf("--out");
  const out = outAt >= 0 ? args[outAt + 1] : undefined;
  const positional = args.filter((a, i) => outAt < 0 || (i !== outAt && i !== outAt + 1));
  const reference = positional[0];
  if (positional.length !== 1 || !reference || reference.startsWith("-") || (outAt >= 0 && !out)) {
    console.error("usage: node scripts/image-sbom.ts IMAGE [--out FILE]");
    process.exit(64);
  }
  if (!process.env.CONTAINERS_CONF) {
    process.env.CONTAINERS_CONF = execFileSync(path.join(root, "scripts/image/podman-setup.sh"), { encoding: "utf8" }).trim();
  }
  const sbom = imageSbom(readImage(reference, root));
  const text = JSON.stringify(sbom, null, 2) + "\n";
  if (out) {
    writeFileSync(out, text);
    console.error(`image-sbom: wrote ${out}: ${(sbom.components as unknown[]).length} components`);
  } else {
    process.stdout.write(text);
  }
}
