import { describe, expect, it } from "vitest";
import { ciValues, failureMessage, render, renderNotes, type Manifest } from "../chart/helm.js";

interface EnvVar {
  readonly name: string;
  readonly valueFrom?: unknown;
}

function containerEnv(manifests: readonly Manifest[]): EnvVar[] {
  const deployment = manifests.find((m) => m.kind === "Deployment") as { spec: { template: { spec: { containers: { env?: EnvVar[] }[] } } } } | undefined;
  return deployment?.spec.template.spec.containers[0]?.env ?? [];
}

// The key vault URL in the Helm chart: a Secret reference, required with PostgreSQL.
describe("chart: key vault", () => {
  it("with PostgreSQL the vault URL comes from its own Secret", () => {
    const { manifests, error } = render({ valuesFiles: [ciValues("ha")] });
    expect(error).toBe("");
    expect(containerEnv(manifests)).toContainEqual({ name: "AIRLOCK_KEY_VAULT_URL", valueFrom: { secretKeyRef: { name: "airlock-key-vault", key: "key-vault-url" } } });
    expect(renderNotes({ valuesFiles: [ciValues("ha")] })).toContain("airlock-key-vault / key-vault-url");
  });

  it("refuses PostgreSQL without a key vault Secret, naming the value to set", () => {
    const result = render({ valuesFiles: [ciValues("ha")], set: ["keyVault.existingSecret="] });
    expect(result.ok).toBe(false);
    expect(failureMessage(result)).toContain("keyVault.existingSecret");
  });

  it("with SQLite the vault is a second file on the data volume unless a Secret is named", () => {
    expect(containerEnv(render({ valuesFiles: [ciValues("default")] }).manifests).map((e) => e.name)).not.toContain("AIRLOCK_KEY_VAULT_URL");
    const named = render({ valuesFiles: [ciValues("default")], set: ["keyVault.existingSecret=vault"] });
    expect(containerEnv(named.manifests).map((e) => e.name)).toContain("AIRLOCK_KEY_VAULT_URL");
  });
});
