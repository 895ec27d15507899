// Renders charts/airlock with the helm 3.6 binary that scripts/image/helm.sh provides.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseAllDocuments } from "yaml";

export const repoRoot = path.resolve(import.meta.dirname, "../..");
export const chartDir = path.join(repoRoot, "charts/airlock");
export const ciValues = (name: "default" | "ha" | "ingress-tls"): string => path.join(chartDir, "ci", `${name}-values.yaml`);

let cachedHelm: string | undefined;
export function helmBinary(): string {
  cachedHelm ??= execFileSync(path.join(repoRoot, "scripts/image/helm.sh"), { encoding: "utf8", timeout: 120_000 }).trim();
  return cachedHelm;
}

export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

export interface RenderOptions {
  readonly valuesFiles?: readonly string[];
  readonly set?: readonly string[];
  readonly release?: string;
  readonly chart?: string;
}

export interface RenderResult {
  readonly ok: boolean;
  readonly manifests: Manifest[];
  /** helm's error output (empty on success). */
  readonly error: string;
}

export function helm(args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(helmBinary(), args, { encoding: "utf8", timeout: 60_000, env: { ...process.env, HELM_CACHE_HOME: path.join(tmpdir(), "airlock-helm-cache") } });
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

export function render(options: RenderOptions = {}): RenderResult {
  const args = ["template", options.release ?? "airlock", options.chart ?? chartDir, "--namespace", "support"];
  for (const f of options.valuesFiles ?? []) args.push("-f", f);
  for (const s of options.set ?? []) args.push("--set", s);
  const r = helm(args);
  if (r.status !== 0) return { ok: false, manifests: [], error: r.stderr };
  const manifests = parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
  return { ok: true, manifests, error: "" };
}

/** The message of helm's failure: the text after the last "error calling fail:" or the schema errors. */
export function failureMessage(result: RenderResult): string {
  const marker = "error calling fail: ";
  const at = result.error.lastIndexOf(marker);
  return (at >= 0 ? result.error.slice(at + marker.length) : result.error).trim();
}

/**
 * Renders NOTES.txt, which `helm template` skips and `helm install --dry-run` renders only
 * against a cluster: a scratch copy of the chart wraps it in a manifest.
 */
export function renderNotes(options: RenderOptions = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "airlock-notes-"));
  try {
    const copy = path.join(dir, "airlock");
    cpSync(chartDir, copy, { recursive: true });
    const notes = readFileSync(path.join(copy, "templates/NOTES.txt"), "utf8");
    writeFileSync(path.join(copy, "templates/_notes-preview.tpl"), `{{- define "airlock.notesPreview" -}}\n${notes}\n{{- end -}}\n`);
    writeFileSync(path.join(copy, "templates/notes-preview.yaml"), `kind: NotesPreview\nnotes: |\n  {{- include "airlock.notesPreview" . | nindent 2 }}\n`);
    const result = render({ ...options, chart: copy });
    if (!result.ok) throw new Error(result.error);
    const preview = result.manifests.find((m) => m.kind === "NotesPreview");
    return typeof preview?.notes === "string" ? preview.notes : "";
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
