// The appliance image, built offline from the repository's Containerfile and run the way a
// hardened cluster runs it: read-only root, no capabilities, uid 65532, no privilege escalation.
// The same image then runs the chart's rendered single-replica Deployment with `podman play kube`.
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { render, type Manifest } from "../chart/helm.js";
import { parseDebRecord } from "../../scripts/image-sbom.js";
import { buildImage, containersUnavailable, podman, podmanEnv, podmanOk, repoRoot, waitForHttp } from "./podman.js";
import { freePort } from "../helpers/ports.js";

const unavailable = containersUnavailable();
if (unavailable) console.warn(`SKIPPED image tests: ${unavailable}`);

const id = `${process.pid}-${randomBytes(3).toString("hex")}`;
const image = `localhost/airlock-test:${id}`;
const container = `airlock-test-${id}`;
const sbomDir = mkdtempSync(path.join(tmpdir(), "airlock-image-sbom-"));
const sbomFile = path.join(sbomDir, "sbom.cdx.json");
const packageVersion = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

/** Runs a Node script inside the running container (there is no shell to run anything else). */
function nodeInContainer(name: string, source: string): string {
  return podmanOk(["exec", name, "/nodejs/bin/node", "-e", source]);
}

describe.skipIf(unavailable !== undefined)("image built from the Containerfile", () => {
  beforeAll(() => {
    buildImage(image, sbomFile);
    const size = Number(podmanOk(["image", "inspect", "--format", "{{.Size}}", image]));
    console.info(`image ${image}: ${(size / 1e6).toFixed(1)} MB (${size} bytes)`);
  }, 600_000);

  afterAll(() => {
    podman(["rmi", "-f", image]);
    rmSync(sbomDir, { recursive: true, force: true });
  }, 120_000);

  describe("image SBOM written by the build", () => {
    interface Bom {
      bomFormat: string;
      specVersion: string;
      metadata: { component: { type: string; name: string; version: string; properties: { name: string; value: string }[]; externalReferences?: { type: string; url: string }[] } };
      components: { type: string; name: string; version: string; purl?: string }[];
    }
    const bom = (): Bom => JSON.parse(readFileSync(sbomFile, "utf8")) as Bom;

    it("types Airlock as an application at the image's version and names this image and the npm SBOM", () => {
      const { metadata, components } = bom();
      const imageId = podmanOk(["image", "inspect", "--format", "{{.Id}}", image]);
      expect(metadata.component).toMatchObject({ type: "application", name: "airlock", version: packageVersion });
      expect(metadata.component.properties).toContainEqual({ name: "airlock:image-id", value: `sha256:${imageId}` });
      expect(components.filter((c) => c.type === "container").map((c) => c.version)).toEqual([`sha256:${imageId}`]);
      const npmSerial = (JSON.parse(readFileSync(path.join(repoRoot, "compliance/sbom.cdx.json"), "utf8")) as { serialNumber: string }).serialNumber;
      expect(metadata.component.externalReferences).toContainEqual(expect.objectContaining({ type: "bom", url: `${npmSerial.replace("urn:uuid:", "urn:cdx:")}/1` }));
    });

    it("lists the Node runtime the image runs and exactly the Debian packages the running image records", () => {
      const { components } = bom();
      const nodeVersion = podmanOk(["run", "--rm", "--network=none", "--entrypoint", "/nodejs/bin/node", image, "-p", "process.versions.node"]);
      expect(components.filter((c) => c.name === "node")).toEqual([expect.objectContaining({ version: nodeVersion, purl: `pkg:generic/node@${nodeVersion}` })]);
      // Read the records again from inside a container of this image (not through podman cp).
      const records = JSON.parse(
        podmanOk(["run", "--rm", "--network=none", "--entrypoint", "/nodejs/bin/node", image, "-e",
          `const fs = require("fs"), d = "/var/lib/dpkg/status.d";
           console.log(JSON.stringify(fs.readdirSync(d).filter((f) => !f.endsWith(".md5sums")).map((f) => [f, fs.readFileSync(d + "/" + f, "utf8")])));`]),
      ) as [string, string][];
      const installed = records.map(([file, text]) => parseDebRecord(text, file)).map((p) => `${p.name}@${p.version}`).sort();
      // What the runtime needs to run node at all, in both the distroless base and its stand-in.
      for (const name of ["libc6", "libstdc++6", "libgcc-s1", "ca-certificates", "tzdata"]) expect(installed.map((p) => p.split("@")[0])).toContain(name);
      const libraries = components.filter((c) => c.type === "library");
      expect(libraries.map((c) => `${c.name}@${c.version}`).sort()).toEqual(installed);
      expect(libraries.every((c) => c.purl?.startsWith(`pkg:deb/debian/${encodeURIComponent(c.name)}@`) && /[?&]arch=/.test(c.purl))).toBe(true);
    });

    it("is current: generating it again from the built image gives the same document, byte for byte", () => {
      const again = execFileSync(process.execPath, [path.join(repoRoot, "scripts/image-sbom.ts"), image], { encoding: "utf8", env: podmanEnv(), timeout: 120_000 });
      expect(again).toBe(readFileSync(sbomFile, "utf8"));
    });
  });

  describe("production by default", () => {
    it("sets AIRLOCK_MODE=production in the image", () => {
      const env = JSON.parse(podmanOk(["image", "inspect", "--format", "{{json .Config.Env}}", image])) as string[];
      expect(env).toContain("AIRLOCK_MODE=production");
    });

    it("refuses to start without a production configuration, exiting 2 and naming each missing setting", () => {
      const run = podman(["run", "--rm", "--network=none", "--read-only", "--cap-drop=ALL", "--user", "65532", image], 120_000);
      expect(run.status).toBe(2);
      const issues = run.stderr + run.stdout;
      expect(issues).toContain("invalid configuration");
      for (const field of ["idp", "publicUrl", "masterKeyFile"]) expect(issues).toContain(`${field} (AIRLOCK_`);
    });

    it("refuses a production configuration with a dev convenience left in (plain-http public URL)", () => {
      const run = podman(["run", "--rm", "--network=none", "--read-only", "--cap-drop=ALL", "--user", "65532",
        "-e", "AIRLOCK_PUBLIC_URL=http://airlock.bank.example", "-e", "AIRLOCK_IDP=oidc", "-e", "AIRLOCK_OIDC_ISSUER=https://idp.bank.example",
        "-e", "AIRLOCK_OIDC_CLIENT_ID=airlock", "-e", "AIRLOCK_OIDC_CLIENT_SECRET=s3cret", "-e", `AIRLOCK_MASTER_KEY=k1:${Buffer.alloc(32, 1).toString("base64")}`, image], 120_000);
      expect(run.status).toBe(2);
      expect(run.stderr + run.stdout).toContain("must be an https:// URL in production");
    });
  });

  describe("run hardened with podman", () => {
    let base = "";

    beforeAll(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      podmanOk([
        "run", "-d", "--rm", "--name", container,
        "--read-only", "--cap-drop=ALL", "--user", "65532", "--security-opt", "no-new-privileges",
        "-p", `127.0.0.1:${port}:8080`, "-e", "AIRLOCK_MODE=dev", "-e", `AIRLOCK_PUBLIC_URL=${base}`, image,
      ]);
      await waitForHttp(`${base}/healthz`);
    }, 600_000);

    afterAll(() => {
      podman(["rm", "-f", "-v", container]);
    }, 120_000);

    it("answers /healthz and /readyz (migrations ran at start)", async () => {
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok" });
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
    });

    it("serves the console login: /auth/login starts OIDC and the IdP's sign-in page renders", async () => {
      const start = await fetch(`${base}/auth/login`, { redirect: "manual" });
      expect(start.status).toBe(302);
      const location = new URL(start.headers.get("location") ?? "");
      expect(location.searchParams.get("code_challenge_method")).toBe("S256");
      // The dev IdP listens on the container's loopback only: follow the login from inside.
      const page = JSON.parse(
        nodeInContainer(
          container,
          `(async () => {
            let url = ${JSON.stringify(location.href)}; const jar = new Map();
            for (let hop = 0; hop < 5; hop++) {
              const r = await fetch(url, { redirect: "manual", headers: { cookie: [...jar].map(([k, v]) => k + "=" + v).join("; ") } });
              for (const c of r.headers.getSetCookie()) { const kv = c.split(";")[0]; jar.set(kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)); }
              if (r.status >= 300 && r.status < 400) { url = new URL(r.headers.get("location"), url).href; continue; }
              const body = await r.text();
              console.log(JSON.stringify({ status: r.status, type: r.headers.get("content-type"), password: /<input[^>]+type="password"/.test(body) }));
              return;
            }
          })()`,
        ),
      ) as { status: number; type: string; password: boolean };
      expect(page).toEqual({ status: 200, type: "text/html; charset=utf-8", password: true });
    });

    it("runs node as PID 1 with uid 65532, no capabilities and no-new-privileges", () => {
      const status = JSON.parse(
        nodeInContainer(
          container,
          `const fs = require("fs");
           const s = Object.fromEntries(fs.readFileSync("/proc/1/status", "utf8").split("\\n").filter(Boolean).map((l) => l.split(/:\\s+/)));
           console.log(JSON.stringify({ uid: s.Uid, gid: s.Gid, capEff: s.CapEff, capBnd: s.CapBnd, noNewPrivs: s.NoNewPrivs,
             cmd: fs.readFileSync("/proc/1/cmdline", "utf8").split("\\0").filter(Boolean) }));`,
        ),
      ) as Record<string, unknown>;
      expect(status).toEqual({
        uid: "65532\t65532\t65532\t65532",
        gid: "65532\t65532\t65532\t65532",
        capEff: "0000000000000000",
        capBnd: "0000000000000000",
        noNewPrivs: "1",
        cmd: ["/nodejs/bin/node", "/app/dist/cli/main.js", "serve", "--migrate"],
      });
    });

    it("has no shell", () => {
      expect(podman(["exec", container, "/bin/sh", "-c", "true"]).status).not.toBe(0);
      const found = nodeInContainer(
        container,
        `const fs = require("fs");
         console.log(JSON.stringify(["/bin/sh", "/bin/bash", "/bin/dash", "/bin/busybox", "/usr/bin/sh", "/usr/bin/bash", "/usr/bin/dash", "/bin/ash"].filter((p) => fs.existsSync(p))));`,
      );
      expect(JSON.parse(found)).toEqual([]);
    });

    it("keeps the root filesystem read-only; only /tmp and the data directory are writable", () => {
      const result = JSON.parse(
        nodeInContainer(
          container,
          `const fs = require("fs");
           const tryWrite = (p) => { try { fs.writeFileSync(p, "x"); fs.rmSync(p); return "ok"; } catch (e) { return e.code; } };
           console.log(JSON.stringify({ etc: tryWrite("/etc/airlock-probe"), app: tryWrite("/app/probe"), tmp: tryWrite("/tmp/probe"), data: tryWrite("/data/probe"),
             db: fs.existsSync("/data/airlock.db") }));`,
        ),
      ) as Record<string, unknown>;
      expect(result).toEqual({ etc: "EROFS", app: "EROFS", tmp: "ok", data: "ok", db: true });
    });

    it("owns every app file by root and lets no one else write them (even without --read-only)", () => {
      const out = podmanOk([
        "run", "--rm", "--network=none", "--user", "65532", "--entrypoint", "/nodejs/bin/node", image, "-e",
        `const fs = require("fs"), path = require("path");
         let files = 0; const bad = [];
         const walk = (p) => { const s = fs.lstatSync(p); files++;
           if (s.uid !== 0 || s.gid !== 0 || (!s.isSymbolicLink() && (s.mode & 0o022) !== 0)) bad.push(p + " " + s.uid + ":" + s.gid + " " + (s.mode & 0o777).toString(8));
           if (s.isDirectory()) for (const n of fs.readdirSync(p)) walk(path.join(p, n)); };
         walk("/app");
         let write; try { fs.appendFileSync("/app/dist/cli/main.js", ""); write = "ok"; } catch (e) { write = e.code; }
         console.log(JSON.stringify({ files, bad: bad.slice(0, 5), write, uid: process.getuid() }));`,
      ]);
      const result = JSON.parse(out) as { files: number; bad: string[]; write: string; uid: number };
      expect(result.files).toBeGreaterThan(100);
      expect(result.bad).toEqual([]);
      expect(result.write).toBe("EACCES");
      expect(result.uid).toBe(65532);
    });

    it("carries OCI labels and runs as user 65532 by default", () => {
      const config = JSON.parse(podmanOk(["image", "inspect", "--format", "{{json .Config}}", image])) as { User: string; Labels: Record<string, string> };
      expect(config.User).toBe("65532:65532");
      expect(config.Labels).toMatchObject({
        "org.opencontainers.image.version": packageVersion,
        "org.opencontainers.image.licenses": expect.any(String),
        "org.opencontainers.image.source": expect.any(String),
        "org.opencontainers.image.revision": expect.stringMatching(/^([0-9a-f]{40}|unknown)$/),
      });
    });

    it("drains and exits 0 on SIGTERM as PID 1", () => {
      podmanOk(["stop", "--time", "30", container], 60_000);
      // --rm removes the container on exit, so read the outcome from the event log.
      const exit = podmanOk(["events", "--stream=false", "--since", "5m", "--filter", `container=${container}`, "--filter", "event=died", "--format", "{{.ContainerExitCode}}"]);
      expect(exit.split("\n").filter(Boolean).pop()).toBe("0");
    });
  });

  describe("the chart's single-replica Deployment under podman play kube", () => {
    const release = `airlock-kube-${id}`;
    let dir = "";
    let kubeFile = "";
    let volume = "";
    let base = "";

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), "airlock-kube-"));
      kubeFile = path.join(dir, "airlock.yaml");
      const [port, metricsPort] = [await freePort(), await freePort()];
      base = `http://127.0.0.1:${port}`;
      const rendered = render({
        release,
        set: ["residency.allowedRegions={eu-central-1}", "airlock.mode=dev", `image.repository=${image.split(":")[0]}`, `image.tag=${id}`],
      });
      expect(rendered.error).toBe("");
      // play kube runs Pods, Deployments, ConfigMaps and PVCs; cluster objects (NetworkPolicy…) have no meaning here.
      const kept = rendered.manifests.filter((m) => ["Deployment", "ConfigMap", "PersistentVolumeClaim"].includes(m.kind));
      volume = kept.find((m) => m.kind === "PersistentVolumeClaim")?.metadata.name ?? "";
      const deployment = kept.find((m) => m.kind === "Deployment") as Manifest & { spec: { template: { spec: { containers: { ports: { name: string; hostPort?: number; hostIP?: string }[] }[] } } } };
      // podman 4.3 publishes every containerPort on all host interfaces unless hostPort/hostIP say otherwise.
      for (const p of deployment.spec.template.spec.containers[0]!.ports) Object.assign(p, { hostIP: "127.0.0.1", hostPort: p.name === "http" ? port : metricsPort });
      writeFileSync(kubeFile, kept.map((m) => stringify(m)).join("---\n"));
      podmanOk(["play", "kube", kubeFile], 120_000);
      await waitForHttp(`${base}/healthz`);
    }, 600_000);

    afterAll(() => {
      if (!kubeFile) return;
      podman(["play", "kube", "--down", kubeFile], 120_000);
      if (volume) podman(["volume", "rm", "-f", volume]);
      rmSync(dir, { recursive: true, force: true });
    }, 120_000);

    it("answers /healthz and /readyz", async () => {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    });

    it("honours the rendered security context: read-only root, uid 65532, no capabilities, no-new-privileges", () => {
      const pod = parseAllDocuments(readFileSync(kubeFile, "utf8")).map((d) => d.toJS() as Manifest).find((m) => m.kind === "Deployment")!;
      const name = podmanOk(["ps", "--filter", `pod=${pod.metadata.name}-pod-0`, "--format", "{{.Names}}"]).split("\n").find((n) => !n.endsWith("-infra"));
      expect(name).toBeTruthy();
      const state = JSON.parse(
        podmanOk(["inspect", name!, "--format", "{{json .HostConfig.ReadonlyRootfs}} {{json .Config.User}} {{json .EffectiveCaps}} {{json .HostConfig.SecurityOpt}}"])
          .replace(/^(\S+) (\S+) (\S+) (.*)$/, "[$1,$2,$3,$4]"),
      ) as [boolean, string, string[] | null, string[] | null];
      expect(state[0]).toBe(true);
      expect(state[1]).toMatch(/^65532/);
      expect(state[2] ?? []).toEqual([]);
      expect(state[3] ?? []).toContain("no-new-privileges");
    });
  });
});
