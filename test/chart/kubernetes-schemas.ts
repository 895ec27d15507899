// Validates rendered manifests against the Kubernetes API schemas (kubernetes-models): types,
// formats and required fields. Unknown fields are not detected by these schemas; the chart
// tests assert the security-relevant fields by exact path instead.
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { CronJob } from "kubernetes-models/batch/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, PersistentVolumeClaim, Pod, Service, ServiceAccount } from "kubernetes-models/v1";
import type { Manifest } from "./helm.js";

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

const models: Record<string, ModelClass> = {
  "apps/v1/Deployment": Deployment as unknown as ModelClass,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler as unknown as ModelClass,
  "networking.k8s.io/v1/Ingress": Ingress as unknown as ModelClass,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy as unknown as ModelClass,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget as unknown as ModelClass,
  "v1/ConfigMap": ConfigMap as unknown as ModelClass,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim as unknown as ModelClass,
  "v1/Pod": Pod as unknown as ModelClass,
  "v1/Service": Service as unknown as ModelClass,
  "v1/ServiceAccount": ServiceAccount as unknown as ModelClass,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor as unknown as ModelClass,
  "monitoring.coreos.com/v1/PrometheusRule": PrometheusRule as unknown as ModelClass,
  "batch/v1/CronJob": CronJob as unknown as ModelClass,
};

/** Returns the schema problems of one manifest ("" when valid); an unknown kind is a problem too. */
export function schemaProblems(manifest: Manifest): string {
  const Model = models[`${manifest.apiVersion}/${manifest.kind}`];
  if (!Model) return `no schema for ${manifest.apiVersion} ${manifest.kind}`;
  try {
    new Model(manifest as never).validate();
    return "";
  } catch (err) {
    return (err as Error).message;
  }
}
