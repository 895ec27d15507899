// charts/airlock backup: the daily backup CronJob, the restore-drill CronJob and the example
// alert, rendered with the chart's helm 3.6: valid manifests, the restricted profile, EU pinning,
// required store values, and the alert on the backup metric.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chartDir, ciValues, failureMessage, helm, render, type Manifest } from "./helm.js";
import { schemaProblems } from "./kubernetes-schemas.js";

const backupValues = path.join(chartDir, "ci", "backup-values.yaml");

interface Container {
  name: string;
  args?: string[];
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  automountServiceAccountToken?: boolean;
  enableServiceLinks?: boolean;
  securityContext?: Record<string, unknown>;
  affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: { matchExpressions: unknown[] }[] } }; podAffinity?: unknown };
  containers: Container[];
  volumes?: Record<string, unknown>[];
}
const podOf = (cronJob: Manifest) => (cronJob.spec as { jobTemplate: { spec: { template: { spec: PodSpec } } } }).jobTemplate.spec.template.spec;
const named = (manifests: Manifest[], kind: string, suffix: string) => manifests.find((m) => m.kind === kind && m.metadata.name.endsWith(suffix));

describe("chart backup jobs", () => {
  const { manifests, error } = render({ valuesFiles: [backupValues] });

  it("lints and renders a backup CronJob, a restore-drill CronJob and the example alert, all valid Kubernetes manifests", () => {
    const lint = helm(["lint", "--strict", chartDir, "-f", backupValues]);
    expect(lint.stdout + lint.stderr).toContain("0 chart(s) failed");
    expect(error).toBe("");
    for (const m of manifests) expect(schemaProblems(m), `${m.kind}/${m.metadata.name}`).toBe("");
    expect(manifests.filter((m) => m.kind === "CronJob").map((m) => m.metadata.name).sort()).toEqual(["airlock-backup", "airlock-restore-drill"]);
    const backup = podOf(named(manifests, "CronJob", "-backup")!);
    expect(backup.containers[0]!.args).toEqual(["backup", "run", "--dir", "/backups", "--vault-days", "7", "--main-days", "30", "--json"]);
    expect(backup.volumes).toContainEqual({ name: "backups", persistentVolumeClaim: { claimName: "airlock-backups" } });
    expect((named(manifests, "CronJob", "-backup")!.spec as { schedule: string; concurrencyPolicy: string })).toMatchObject({ schedule: "30 2 * * *", concurrencyPolicy: "Forbid" });
    const drill = podOf(named(manifests, "CronJob", "-restore-drill")!);
    expect(drill.containers[0]!.args).toEqual(["backup", "drill", "--dir", "/backups", "--record", "/backups/drills/", "--scratch-database-url", "sqlite:/scratch/drill-main.db", "--scratch-key-vault-url", "sqlite:/scratch/drill-vault.db", "--json"]);
    expect(drill.volumes).toContainEqual({ name: "scratch", emptyDir: { sizeLimit: "2Gi" } });
  });

  it("gives both job pods the restricted Pod Security profile, no API token and the EU region affinity of the server", () => {
    const server = (manifests.find((m) => m.kind === "Deployment")!.spec as { template: { spec: PodSpec } }).template.spec;
    for (const suffix of ["-backup", "-restore-drill"]) {
      const spec = podOf(named(manifests, "CronJob", suffix)!);
      expect(spec.automountServiceAccountToken, suffix).toBe(false);
      expect(spec.enableServiceLinks, suffix).toBe(false);
      expect(spec.securityContext, suffix).toEqual(server.securityContext);
      expect(spec.affinity?.nodeAffinity, suffix).toEqual(server.affinity?.nodeAffinity);
      const allowed = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
      for (const v of spec.volumes ?? []) expect(Object.keys(v).filter((k) => k !== "name"), `${suffix} ${String(v.name)}`).toSatisfy((keys: string[]) => keys.length === 1 && allowed.includes(keys[0]!));
      for (const c of spec.containers) {
        expect(c.securityContext, `${suffix} ${c.name}`).toEqual(server.containers[0]!.securityContext);
        expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } });
      }
    }
  });

  it("closes the job pods to every connection in and lets them reach only DNS and the database", () => {
    const np = named(manifests, "NetworkPolicy", "-backup")!.spec as { podSelector: { matchExpressions: unknown[] }; policyTypes: string[]; ingress: unknown[]; egress: { to?: unknown[]; ports: { port: number }[] }[] };
    expect(np.podSelector.matchExpressions).toEqual([{ key: "app.kubernetes.io/component", operator: "In", values: ["backup", "restore-drill"] }]);
    expect(np.policyTypes.sort()).toEqual(["Egress", "Ingress"]);
    expect(np.ingress).toEqual([]);
    expect(np.egress.flatMap((r) => r.ports.map((p) => p.port))).toEqual([53, 53]); // default values: only DNS has destinations
    const ha = render({ valuesFiles: [ciValues("ha")], set: ["backup.enabled=true", "backup.store.existingClaim=airlock-backups", "backup.store.region=eu-central-1"] });
    const haNp = named(ha.manifests, "NetworkPolicy", "-backup")!.spec as { egress: { to?: unknown[]; ports: { port: number }[] }[] };
    expect(haNp.egress.flatMap((r) => r.ports.map((p) => p.port))).toEqual([53, 53, 5432]);
    for (const rule of haNp.egress) expect(rule.to?.length ?? 0).toBeGreaterThan(0);
  });

  it("runs beside the server on SQLite (ReadWriteOnce data volume) and from the Secrets on PostgreSQL", () => {
    expect(podOf(named(manifests, "CronJob", "-backup")!).affinity?.podAffinity).toBeDefined();
    const ha = render({ valuesFiles: [ciValues("ha")], set: ["backup.enabled=true", "backup.store.existingClaim=airlock-backups", "backup.store.region=eu-central-1"] });
    expect(ha.error).toBe("");
    const pod = podOf(named(ha.manifests, "CronJob", "-backup")!) as PodSpec & { containers: (Container & { env?: { name: string; valueFrom?: unknown }[] })[] };
    expect(pod.affinity?.podAffinity).toBeUndefined();
    expect(pod.containers[0]!.env?.map((e) => e.name).sort()).toEqual(["AIRLOCK_DATABASE_URL", "AIRLOCK_KEY_VAULT_URL"]);
    for (const e of pod.containers[0]!.env ?? []) expect(e.valueFrom, e.name).toBeDefined();
  });

  it("alerts on the backup metric when the example PrometheusRule is enabled, and renders nothing of it by default", () => {
    const rule = named(manifests, "PrometheusRule", "-backup")!;
    const expr = JSON.stringify(rule.spec);
    expect(expr).toContain("airlock_backup_last_success_timestamp_seconds");
    expect(expr).toContain("> 93600"); // 26 hours
    expect(expr).toContain("absent(");
    const defaults = render({ valuesFiles: [ciValues("default")] });
    expect(defaults.manifests.filter((m) => ["CronJob", "PrometheusRule"].includes(m.kind))).toEqual([]);
  });

  it("refuses to render an enabled backup without its store, outside the EU, or with vault backups kept past seven days", () => {
    const fails = (set: string[]) => {
      const r = render({ valuesFiles: [backupValues], set });
      expect(r.ok).toBe(false);
      return failureMessage(r);
    };
    expect(fails(["backup.store.existingClaim="])).toMatch(/^backup.enabled is true but backup.store.existingClaim is empty/);
    expect(fails(["backup.store.region="])).toMatch(/^backup.enabled is true but backup.store.region is empty/);
    expect(fails(["backup.store.region=eu-west-2"])).toMatch(/^backup.store.region: "eu-west-2" is not a region in an EU member state/);
    expect(fails(["backup.vaultRetentionDays=30"])).toMatch(/vaultRetentionDays: Must be less than or equal to 7/);
    expect(fails(["backup.store.bucket=x"])).toMatch(/Additional property bucket is not allowed/);
    expect(fails(["backup.schedule=daily"])).toMatch(/schedule: Does not match pattern/);
  });
});
