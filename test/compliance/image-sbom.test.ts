// The image SBOM's reading of Debian package records and its CycloneDX output, without podman
// (test/image/image.test.ts checks the document made from a real built image).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DebRecordError, debPurl, imageSbom, parseDebRecord, readStatusDir } from "../../scripts/image-sbom.js";

const libc = `Package: libc6
Source: glibc
Version: 2.41-12
Architecture: amd64
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.
`;

const dir = mkdtempSync(path.join(tmpdir(), "airlock-status-d-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("image SBOM (scripts/image-sbom.ts)", () => {
  it("reads a status.d record's name, version, architecture and source package", () => {
    expect(parseDebRecord(libc, "libc6")).toEqual({ name: "libc6", version: "2.41-12", arch: "amd64", source: "glibc" });
    expect(debPurl({ name: "libstdc++6", version: "1:14.2.0-19", arch: "amd64", source: "gcc-14" })).toBe("pkg:deb/debian/libstdc%2B%2B6@1%3A14.2.0-19?arch=amd64&upstream=gcc-14");
  });

  it("reads every package record of a status.d folder and skips distroless's md5sums lists", () => {
    writeFileSync(path.join(dir, "libc6"), libc);
    writeFileSync(path.join(dir, "libc6.md5sums"), "0123456789abcdef0123456789abcdef  usr/lib/x86_64-linux-gnu/libc.so.6\n");
    writeFileSync(path.join(dir, "tzdata"), "Package: tzdata\nVersion: 2025b-4\nArchitecture: all\n");
    expect(readStatusDir(dir).map((p) => `${p.name}@${p.version}`)).toEqual(["libc6@2.41-12", "tzdata@2025b-4"]);
  });

  it.each([
    ["no Version field", "Package: libc6\nArchitecture: amd64\n", "deb_record_field_missing"],
    ["no Architecture field", "Package: libc6\nVersion: 2.41-12\n", "deb_record_field_missing"],
    ["a line that is no field", "Package: libc6\n<script>alert(1)</script>\n", "deb_record_malformed"],
    ["a continuation before any field", " dangling\nPackage: libc6\n", "deb_record_malformed"],
    ["a name that is no Debian package name", "Package: ../../etc/passwd\nVersion: 1\nArchitecture: all\n", "deb_record_malformed"],
    ["a version with a purl separator", "Package: libc6\nVersion: 1?arch=evil\nArchitecture: all\n", "deb_record_malformed"],
  ])("refuses a record with %s, naming the file", (_what, text, code) => {
    let thrown: unknown;
    try {
      parseDebRecord(text, "/var/lib/dpkg/status.d/libc6");
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(DebRecordError);
    expect(thrown).toMatchObject({ code, file: "/var/lib/dpkg/status.d/libc6" });
  });

  it("types Airlock as an application and lists the image, Node and each Debian package, reproducibly", () => {
    const facts = {
      reference: "localhost/airlock:1.2.3",
      id: "a".repeat(64),
      labels: { "org.opencontainers.image.version": "1.2.3", "org.opencontainers.image.revision": "b".repeat(40) },
      nodeVersion: "v24.21.0\n",
      packages: [parseDebRecord("Package: tzdata\nVersion: 2025b-4\nArchitecture: all\n", "tzdata"), parseDebRecord(libc, "libc6")],
      npmSbomSerial: "urn:uuid:d5e99671-f8f1-5e96-b23b-bf47c4ece5f1",
    };
    const bom = imageSbom(facts) as { specVersion: string; serialNumber: string; metadata: { component: Record<string, unknown> }; components: Record<string, unknown>[] };
    expect(bom.specVersion).toBe("1.5");
    expect(bom.metadata.component).toMatchObject({ type: "application", name: "airlock", version: "1.2.3" });
    expect(bom.metadata.component.externalReferences).toEqual([expect.objectContaining({ type: "bom", url: "urn:cdx:d5e99671-f8f1-5e96-b23b-bf47c4ece5f1/1" })]);
    expect(bom.components.map((c) => [c.type, c.name, c.version, c.purl])).toEqual([
      ["container", "localhost/airlock", `sha256:${"a".repeat(64)}`, `pkg:oci/airlock@sha256%3A${"a".repeat(64)}?repository_url=localhost%2Fairlock`],
      ["application", "node", "24.21.0", "pkg:generic/node@24.21.0"],
      ["library", "libc6", "2.41-12", "pkg:deb/debian/libc6@2.41-12?arch=amd64&upstream=glibc"],
      ["library", "tzdata", "2025b-4", "pkg:deb/debian/tzdata@2025b-4?arch=all"],
    ]);
    expect(JSON.stringify(imageSbom(facts))).toBe(JSON.stringify(bom));
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("refuses an image whose node prints no version", () => {
    expect(() => imageSbom({ reference: "x", id: "a".repeat(64), labels: {}, nodeVersion: "Error: not found", packages: [], npmSbomSerial: undefined })).toThrow(/printed no version/);
  });
});
