// The chart for several server processes: replicas spread across zones of the EU regions only,
// a PodDisruptionBudget, an HPA that scales on open WebSocket connections per pod (the custom
// metric the server exports) as well as CPU and scales down one pod at a time, and nothing that
// asks for sticky sessions (no Service session affinity, no ingress affinity annotation).
import { describe, expect, it } from "vitest";
import { CONNECTIONS_METRIC } from "../../src/ops/connection-metrics.js";
import { ciValues, failureMessage, render, type Manifest } from "./helm.js";

interface PodSpec {
  affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: { matchExpressions: { key: string; operator: string; values: string[] }[] }[] } } };
  topologySpreadConstraints?: { topologyKey: string; maxSkew: number; whenUnsatisfiable: string; labelSelector: { matchLabels: Record<string, string> } }[];
}
interface HpaSpec {
  metrics: { type: string; resource?: { name: string }; pods?: { metric: { name: string }; target: { type: string; averageValue: string } } }[];
  behavior?: { scaleDown?: { stabilizationWindowSeconds: number; policies: { type: string; value: number; periodSeconds: number }[] } };
}

const byKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);

function ha(set: string[] = []): Manifest[] {
  const result = render({ valuesFiles: [ciValues("ha")], set });
  expect(result.error, failureMessage(result)).toBe("");
  return result.manifests;
}

describe("chart: several server processes without sticky sessions", () => {
  it("the HPA scales on connections per pod (the server's airlock_websocket_connections, through the adapter) and on CPU, and scales down one pod at a time", () => {
    const [hpa] = byKind(ha(), "HorizontalPodAutoscaler");
    const spec = hpa?.spec as HpaSpec;
    expect(spec.metrics).toContainEqual({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } });
    expect(spec.metrics).toContainEqual({ type: "Pods", pods: { metric: { name: CONNECTIONS_METRIC }, target: { type: "AverageValue", averageValue: "8000" } } });
    expect(spec.behavior?.scaleDown).toEqual({ stabilizationWindowSeconds: 600, policies: [{ type: "Pods", value: 1, periodSeconds: 300 }] });
    // The target is a value of its own; the custom metric can be left out where no adapter runs.
    const tuned = byKind(ha(["autoscaling.connections.targetAverageValue=5000"]), "HorizontalPodAutoscaler")[0]?.spec as HpaSpec;
    expect(tuned.metrics.find((m) => m.type === "Pods")?.pods?.target.averageValue).toBe("5000");
    const cpuOnly = byKind(ha(["autoscaling.connections.enabled=false"]), "HorizontalPodAutoscaler")[0]?.spec as HpaSpec;
    expect(cpuOnly.metrics.map((m) => m.type)).toEqual(["Resource"]);
  });

  it("refuses a connections target below 100 or a metric name Prometheus cannot have", () => {
    for (const set of ["autoscaling.connections.targetAverageValue=10", "autoscaling.connections.metricName=connections per pod", "autoscaling.connections.perPod=5"]) {
      const result = render({ valuesFiles: [ciValues("ha")], set: [set] });
      expect(result.error, set).not.toBe("");
    }
  });

  it("spreads replicas across zones (DoNotSchedule) and nodes, pinned to the EU regions, with a PodDisruptionBudget", () => {
    const manifests = ha();
    const deployment = byKind(manifests, "Deployment")[0]?.spec as { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
    const pod = deployment.template.spec;
    const zone = pod.topologySpreadConstraints?.find((t) => t.topologyKey === "topology.kubernetes.io/zone");
    expect(zone).toMatchObject({ maxSkew: 1, whenUnsatisfiable: "DoNotSchedule" });
    expect(pod.topologySpreadConstraints?.find((t) => t.topologyKey === "kubernetes.io/hostname")).toMatchObject({ whenUnsatisfiable: "ScheduleAnyway" });
    // The spread counts this release's server pods only.
    for (const [k, v] of Object.entries(zone?.labelSelector.matchLabels ?? {})) expect(deployment.template.metadata.labels[k]).toBe(v);
    expect(pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchExpressions).toContainEqual({
      key: "topology.kubernetes.io/region",
      operator: "In",
      values: ["eu-central-1", "eu-west-1"],
    });
    const [pdb] = byKind(manifests, "PodDisruptionBudget");
    expect(pdb?.spec).toMatchObject({ maxUnavailable: 1 });
  });

  it("asks for no session affinity: the Service has none and the ingress carries no affinity annotation", () => {
    const manifests = ha(["ingress.enabled=true", "ingress.host=airlock.bank.example", "ingress.tls.secretName=airlock-tls"]);
    for (const service of byKind(manifests, "Service")) expect((service.spec as { sessionAffinity?: string }).sessionAffinity ?? "None", service.metadata.name).toBe("None");
    const [ingress] = byKind(manifests, "Ingress");
    expect(ingress).toBeDefined();
    const annotations = Object.keys(ingress?.metadata.annotations ?? {});
    expect(annotations.filter((a) => /affinity|sticky|session-cookie|upstream-hash-by/i.test(a))).toEqual([]);
    // And it cannot be asked for through the values: unknown keys are refused.
    expect(render({ valuesFiles: [ciValues("ha")], set: ["service.sessionAffinity=ClientIP"] }).error).not.toBe("");
  });
});
