// charts/airlock: lint, render scenarios checked against the Kubernetes schemas, the restricted
// Pod Security profile and EU region pinning on every pod spec, and the renders that must fail.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { loadPolicy, shippedPolicyDir } from "../../src/policy/load.js";
import { ciValues, failureMessage, helm, chartDir, render, renderNotes, type Manifest } from "./helm.js";
import { schemaProblems } from "./kubernetes-schemas.js";

const scenarios = {
  "defaults (single replica, SQLite, PVC)": [ciValues("default")],
  "HA (3 replicas, PostgreSQL, Redis, HPA)": [ciValues("ha")],
  "ingress with TLS": [ciValues("ingress-tls")],
} as const;

interface PodSpec {
  automountServiceAccountToken?: boolean;
  enableServiceLinks?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: Record<string, unknown>;
  affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: { matchExpressions: { key: string; operator: string; values: string[] }[] }[] } } };
  containers: { name: string; securityContext?: Record<string, unknown>; ports?: { hostPort?: number }[]; env?: { name: string; value?: string; valueFrom?: unknown }[] }[];
  initContainers?: PodSpec["containers"];
  volumes?: Record<string, unknown>[];
}

function podSpecs(manifests: Manifest[]): { owner: string; spec: PodSpec }[] {
  const out: { owner: string; spec: PodSpec }[] = [];
  for (const m of manifests) {
    if (m.kind === "Pod") out.push({ owner: `Pod/${m.metadata.name}`, spec: m.spec as PodSpec });
    if (["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(m.kind)) {
      out.push({ owner: `${m.kind}/${m.metadata.name}`, spec: (m.spec as { template: { spec: PodSpec } }).template.spec });
    }
  }
  return out;
}

const byKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);
const one = (manifests: Manifest[], kind: string): Manifest => {
  const found = byKind(manifests, kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
};

describe("helm lint --strict", () => {
  it.each(Object.entries(scenarios))("passes for %s", (_name, files) => {
    const r = helm(["lint", "--strict", chartDir, ...files.flatMap((f) => ["-f", f])]);
    expect(r.stdout + r.stderr).toContain("0 chart(s) failed");
    expect(r.status).toBe(0);
  });
});

describe.each(Object.entries(scenarios))("helm template: %s", (_name, files) => {
  const result = render({ valuesFiles: files });

  it("renders manifests that validate against the Kubernetes schemas", () => {
    expect(result.error).toBe("");
    expect(result.manifests.length).toBeGreaterThan(5);
    for (const m of result.manifests) expect(schemaProblems(m), `${m.kind}/${m.metadata.name}`).toBe("");
  });

  it("gives every pod spec the restricted Pod Security profile, a read-only root and no API token", () => {
    const pods = podSpecs(result.manifests);
    expect(pods.map((p) => p.owner).sort()).toEqual(["Deployment/airlock", "Pod/airlock-test-healthz"]);
    for (const { owner, spec } of pods) {
      expect(spec.automountServiceAccountToken, owner).toBe(false);
      expect(spec.enableServiceLinks, owner).toBe(false);
      expect(spec.hostNetwork ?? false, owner).toBe(false);
      expect(spec.hostPID ?? false, owner).toBe(false);
      expect(spec.hostIPC ?? false, owner).toBe(false);
      expect(spec.securityContext, owner).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } });
      // The volume types the restricted profile allows; hostPath and the rest are refused by admission.
      const allowedVolumeTypes = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
      for (const v of spec.volumes ?? []) expect(Object.keys(v).filter((k) => k !== "name"), `${owner} volume ${String(v.name)}`).toSatisfy((keys: string[]) => keys.length === 1 && allowedVolumeTypes.includes(keys[0]!));
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        expect(c.securityContext, `${owner} ${c.name}`).toMatchObject({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          privileged: false,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(Object.keys(c.securityContext?.capabilities ?? {}), `${owner} ${c.name}`).toEqual(["drop"]);
        expect((c.ports ?? []).filter((p) => p.hostPort !== undefined), `${owner} ${c.name} hostPort`).toEqual([]);
      }
    }
    const sa = one(result.manifests, "ServiceAccount") as Manifest & { automountServiceAccountToken?: boolean };
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  it("pins every pod spec to the allowed EU regions with a required node affinity", () => {
    const regions = (result.manifests.find((m) => m.kind === "Deployment")!.spec as { template: { spec: PodSpec } }).template.spec.affinity
      ?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchExpressions[0]?.values;
    expect(regions?.length).toBeGreaterThan(0);
    for (const { owner, spec } of podSpecs(result.manifests)) {
      const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
      // Every term must carry the region constraint: terms are ORed, so one without it would escape.
      expect(terms?.length, owner).toBeGreaterThan(0);
      for (const term of terms ?? []) {
        expect(term.matchExpressions, owner).toContainEqual({ key: "topology.kubernetes.io/region", operator: "In", values: regions });
      }
    }
  });

  it("holds no secret values: Secrets are only referenced", () => {
    expect(byKind(result.manifests, "Secret")).toEqual([]);
    const deployment = one(result.manifests, "Deployment");
    const container = (deployment.spec as { template: { spec: PodSpec } }).template.spec.containers[0]!;
    for (const e of container.env ?? []) expect(e.valueFrom, e.name).toBeDefined();
    const settings = result.manifests.find((m) => m.kind === "ConfigMap" && m.metadata.name.endsWith("-env"))!.data as Record<string, string>;
    for (const secret of ["AIRLOCK_MASTER_KEY", "AIRLOCK_OIDC_CLIENT_SECRET", "AIRLOCK_DATABASE_URL", "AIRLOCK_REDIS_URL"]) {
      expect(settings, secret).not.toHaveProperty(secret);
    }
  });

  it("denies traffic by default and never renders an egress rule without destinations", () => {
    const np = one(result.manifests, "NetworkPolicy").spec as { policyTypes: string[]; egress: { to?: unknown[] }[]; ingress: { from?: unknown[] }[] };
    expect(np.policyTypes.sort()).toEqual(["Egress", "Ingress"]);
    for (const rule of np.egress) expect(rule.to?.length ?? 0).toBeGreaterThan(0);
    for (const rule of np.ingress) expect(rule.from?.length ?? 0).toBeGreaterThan(0);
  });
});

describe("scenario specifics", () => {
  it("defaults: one replica, SQLite on a kept PVC, Recreate, no HPA", () => {
    const { manifests } = render({ valuesFiles: [ciValues("default")] });
    const deployment = one(manifests, "Deployment").spec as { replicas: number; strategy: { type: string }; template: { spec: PodSpec } };
    expect(deployment.replicas).toBe(1);
    expect(deployment.strategy.type).toBe("Recreate");
    const pvc = one(manifests, "PersistentVolumeClaim");
    expect(pvc.metadata.annotations?.["helm.sh/resource-policy"]).toBe("keep");
    expect(deployment.template.spec.volumes).toContainEqual({ name: "data", persistentVolumeClaim: { claimName: pvc.metadata.name } });
    expect(byKind(manifests, "HorizontalPodAutoscaler")).toEqual([]);
    expect(byKind(manifests, "PodDisruptionBudget")).toHaveLength(1);
    const policies = manifests.find((m) => m.kind === "ConfigMap" && m.metadata.name.endsWith("-policies"))!;
    expect(Object.keys(policies.data as object)).toEqual(["sites.yaml"]);
  });

  it("HA: HPA owns the replica count, database and Redis URLs come from Secrets, zones are spread", () => {
    const { manifests } = render({ valuesFiles: [ciValues("ha")] });
    const deployment = one(manifests, "Deployment").spec as { replicas?: number; strategy: { type: string }; template: { spec: PodSpec & { topologySpreadConstraints: { topologyKey: string }[] } } };
    expect(deployment.replicas).toBeUndefined();
    expect(deployment.strategy.type).toBe("RollingUpdate");
    expect(one(manifests, "HorizontalPodAutoscaler").spec).toMatchObject({ minReplicas: 3, maxReplicas: 9 });
    expect(byKind(manifests, "PersistentVolumeClaim")).toEqual([]);
    const env = deployment.template.spec.containers[0]!.env ?? [];
    expect(env).toContainEqual({ name: "AIRLOCK_DATABASE_URL", valueFrom: { secretKeyRef: { name: "airlock-database", key: "database-url" } } });
    expect(env).toContainEqual({ name: "AIRLOCK_REDIS_URL", valueFrom: { secretKeyRef: { name: "airlock-redis", key: "redis-url" } } });
    expect(deployment.template.spec.topologySpreadConstraints.map((t) => t.topologyKey)).toContain("topology.kubernetes.io/zone");
    expect(byKind(manifests, "ServiceMonitor")).toHaveLength(1);
    const egress = (one(manifests, "NetworkPolicy").spec as { egress: unknown[] }).egress;
    expect(egress).toHaveLength(5); // DNS, IdP, database, Redis, site assets
  });

  it("ingress with TLS: the host gets a TLS section and becomes the public URL", () => {
    const { manifests } = render({ valuesFiles: [ciValues("ingress-tls")] });
    expect(one(manifests, "Ingress").spec).toMatchObject({ tls: [{ hosts: ["airlock.bank.example"], secretName: "airlock-tls" }] });
    const settings = manifests.find((m) => m.kind === "ConfigMap" && m.metadata.name.endsWith("-env"))!.data as Record<string, string>;
    expect(settings.AIRLOCK_PUBLIC_URL).toBe("https://airlock.bank.example");
  });

  it("private-cloud regions are accepted when declared with an EU country", () => {
    const r = render({ valuesFiles: [ciValues("default")], set: ["residency.allowedRegions={de-fra-dc1}", "residency.customRegions[0].name=de-fra-dc1", "residency.customRegions[0].country=DE"] });
    expect(r.error).toBe("");
  });

  it("NOTES name the secrets to create and warn about closed egress paths", () => {
    const notes = renderNotes({ valuesFiles: [ciValues("default")] });
    expect(notes).toContain("airlock-master-keys / master-keys");
    expect(notes).toContain("WARNING: networkPolicy.egress.idp.to is empty");
    expect(notes).toContain("topology.kubernetes.io/region in eu-central-1");
  });
});

describe("renders that must fail, each with a clear message", () => {
  const fails = (set: string[], files: string[] = [ciValues("default")]) => {
    const r = render({ valuesFiles: files, set });
    expect(r.ok).toBe(false);
    return failureMessage(r);
  };

  it("no regions", () => {
    expect(fails(["residency.allowedRegions=null"])).toMatch(/allowedRegions is required/);
    const dir = mkdtempSync(path.join(tmpdir(), "airlock-chart-"));
    try {
      const empty = path.join(dir, "no-regions.yaml");
      writeFileSync(empty, "residency:\n  allowedRegions: []\n");
      expect(fails([], [ciValues("default"), empty])).toMatch(/^residency\.allowedRegions is required: list the EU regions/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a non-EU region", () => {
    expect(fails(["residency.allowedRegions={eu-central-1,us-east-1}"])).toMatch(/^residency\.allowedRegions: "us-east-1" is not a region in an EU member state/);
    // Named like EU regions but outside the EU: London and Zurich.
    expect(fails(["residency.allowedRegions={eu-west-2}"])).toMatch(/"eu-west-2" is not a region in an EU member state/);
    expect(fails(["residency.allowedRegions={europe-west6}"])).toMatch(/"europe-west6" is not a region in an EU member state/);
    expect(fails(["residency.allowedRegions={ch-zrh}", "residency.customRegions[0].name=ch-zrh", "residency.customRegions[0].country=CH"])).toMatch(
      /region "ch-zrh" is in "CH", which is not an EU member state/,
    );
  });

  it("an unknown key or a wrong type", () => {
    expect(fails(["replicas=3"])).toMatch(/Additional property replicas is not allowed/);
    expect(fails(["networkPolicy.egress.idp.cidr=10.0.0.0/8"])).toMatch(/Additional property cidr is not allowed/);
    expect(fails(["replicaCount=three"])).toMatch(/replicaCount: Invalid type. Expected: integer, given: string/);
    expect(fails(["policies.files.site\\.yaml=x"])).toMatch(/files/);
  });

  it("three replicas with SQLite", () => {
    expect(fails(["replicaCount=3"])).toMatch(/^replicaCount\/autoscaling allow 3 replicas, but database.type is "sqlite": more than one replica needs external PostgreSQL/);
    expect(fails(["replicaCount=3", "database.type=postgres", "database.existingSecret=db"])).toMatch(/redis.existingSecret is empty/);
    expect(fails(["autoscaling.enabled=true"])).toMatch(/allow 6 replicas, but database.type is "sqlite"/);
  });

  it("production without its required settings", () => {
    expect(fails(["masterKey.existingSecret="])).toMatch(/masterKey.existingSecret/);
    expect(fails(["airlock.publicUrl=http://airlock.bank.example"])).toMatch(/must be an https:\/\/ URL/);
    expect(fails(["ingress.enabled=true", "ingress.host=a.bank.example"])).toMatch(/ingress.tls.secretName is empty/);
  });
});

describe("example values", () => {
  it.each(["default", "ha", "ingress-tls"] as const)("%s: policy files pass Airlock's policy validation in production mode", (name) => {
    const values = parseDocument(readFileSync(ciValues(name), "utf8")).toJS() as { policies: { files: Record<string, string> } };
    const dir = mkdtempSync(path.join(tmpdir(), "airlock-policies-"));
    try {
      for (const [file, content] of Object.entries(values.policies.files)) writeFileSync(path.join(dir, file), content);
      expect(() => loadPolicy({ shippedDir: shippedPolicyDir, overrideDir: dir, mode: "production" })).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("chart README", () => {
  it("documents every value, and only values that exist", () => {
    const values = parseDocument(readFileSync(path.join(chartDir, "values.yaml"), "utf8")).toJS() as Record<string, unknown>;
    const readme = readFileSync(path.join(chartDir, "README.md"), "utf8");
    const documented = [...readme.matchAll(/^\| `([a-zA-Z.]+)` \|/gm)].map((m) => m[1]!);
    const leaves: string[] = [];
    const walk = (node: unknown, prefix: string) => {
      if (node && typeof node === "object" && !Array.isArray(node) && Object.keys(node).length > 0 && !documented.includes(prefix)) {
        for (const [k, v] of Object.entries(node)) walk(v, prefix ? `${prefix}.${k}` : k);
      } else {
        leaves.push(prefix);
      }
    };
    walk(values, "");
    expect(leaves.filter((l) => !documented.includes(l))).toEqual([]);
    expect(documented.filter((d) => !leaves.includes(d))).toEqual([]);
  });
});
