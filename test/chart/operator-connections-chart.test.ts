// The chart's values for TLS and credentials towards PostgreSQL and Redis: Secrets mounted as
// files where the AIRLOCK_*_FILE settings point, opt-outs rendered only when set, unknown keys
// and orphan Redis settings refused.
import { describe, expect, it } from "vitest";
import { ciValues, failureMessage, render, renderNotes, type Manifest } from "./helm.js";

interface Container {
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface Volume {
  name: string;
  secret?: { secretName: string; items: { key: string; path: string }[]; defaultMode: number };
}

function rendered(set: string[] = []) {
  const result = render({ valuesFiles: [ciValues("ha")], set });
  expect(result.error).toBe("");
  const settings = result.manifests.find((m) => m.kind === "ConfigMap" && m.metadata.name.endsWith("-env"))!.data as Record<string, string>;
  const spec = (result.manifests.find((m) => m.kind === "Deployment") as Manifest & { spec: { template: { spec: { containers: Container[]; volumes: Volume[] } } } }).spec.template.spec;
  /** The file a setting names, resolved through the pod's mounts to Secret name and key. */
  const secretFile = (setting: string): string | undefined => {
    const file = settings[setting];
    if (!file) return undefined;
    const mount = spec.containers[0]!.volumeMounts.find((m) => file.startsWith(`${m.mountPath}/`));
    const volume = spec.volumes.find((v) => v.name === mount?.name);
    const item = volume?.secret?.items.find((i) => file === `${mount?.mountPath}/${i.path}`);
    return item && mount?.readOnly ? `${volume?.secret?.secretName}/${item.key}` : `unmounted ${file}`;
  };
  return { settings, secretFile };
}

describe("chart: TLS and credentials towards PostgreSQL and Redis", () => {
  it("mounts the CA, client certificate and Redis password Secrets read-only where the settings point", () => {
    const { settings, secretFile } = rendered(["database.tls.clientCertSecret=pg-client", "redis.tls.clientCertSecret=redis-client"]);
    expect(secretFile("AIRLOCK_DATABASE_TLS_CA_FILE")).toBe("airlock-database-ca/ca.crt");
    expect(secretFile("AIRLOCK_DATABASE_TLS_CERT_FILE")).toBe("pg-client/tls.crt");
    expect(secretFile("AIRLOCK_DATABASE_TLS_KEY_FILE")).toBe("pg-client/tls.key");
    expect(secretFile("AIRLOCK_REDIS_TLS_CA_FILE")).toBe("airlock-redis-ca/ca.crt");
    expect(secretFile("AIRLOCK_REDIS_TLS_CERT_FILE")).toBe("redis-client/tls.crt");
    expect(secretFile("AIRLOCK_REDIS_TLS_KEY_FILE")).toBe("redis-client/tls.key");
    expect(secretFile("AIRLOCK_REDIS_PASSWORD_FILE")).toBe("airlock-redis-password/redis-password");
    expect(settings.AIRLOCK_REDIS_USERNAME).toBe("airlock");
    // Secure by default: no opt-out unless asked for, and no password as a value anywhere.
    expect(settings).not.toHaveProperty("AIRLOCK_ALLOW_INSECURE_DATABASE_CONNECTION");
    expect(settings).not.toHaveProperty("AIRLOCK_ALLOW_INSECURE_REDIS_CONNECTION");
    expect(Object.keys(settings).filter((k) => /PASSWORD$|_KEY$/.test(k))).toEqual([]);
    expect(renderNotes({ valuesFiles: [ciValues("ha")] })).toContain("airlock-redis-password / redis-password: redis-password for the Redis connection");
  });

  it("renders each named opt-out only when it is set", () => {
    const { settings } = rendered(["database.allowInsecureConnection=true", "redis.allowInsecureConnection=true"]);
    expect(settings.AIRLOCK_ALLOW_INSECURE_DATABASE_CONNECTION).toBe("true");
    expect(settings.AIRLOCK_ALLOW_INSECURE_REDIS_CONNECTION).toBe("true");
  });

  it("refuses unknown keys, wrong types, and Redis settings without a Redis URL", () => {
    const fails = (set: string[], files = [ciValues("ha")]) => {
      const r = render({ valuesFiles: files, set });
      expect(r.ok).toBe(false);
      return failureMessage(r);
    };
    expect(fails(["database.tls.rejectUnauthorized=false"])).toMatch(/Additional property rejectUnauthorized is not allowed/);
    expect(fails(["redis.password.value=hunter2"])).toMatch(/Additional property value is not allowed/);
    expect(fails(["redis.allowInsecureConnection=yes"])).toMatch(/allowInsecureConnection: Invalid type. Expected: boolean/);
    expect(fails(["redis.username=a:b"])).toMatch(/username: Does not match pattern/);
    expect(fails(["redis.password.existingSecret=pw"], [ciValues("default")])).toMatch(/^redis.tls, redis.username or redis.password is set but redis.existingSecret is empty/);
  });
});
