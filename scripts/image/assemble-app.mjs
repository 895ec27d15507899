// Runs inside the Containerfile's build stage, after `npm run build` and `npm prune --omit=dev`:
// copies what the server needs at run time into OUT/app (root-owned, read-only to everyone else)
// and creates OUT/data, the data directory owned by the runtime user.
// Usage: node scripts/image/assemble-app.mjs OUT
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, rmSync, chownSync } from "node:fs";
import path from "node:path";

const RUNTIME_UID = 65532;
const out = process.argv[2];
if (!out) throw new Error("usage: assemble-app.mjs OUT");
const app = path.join(out, "app");
mkdirSync(app, { recursive: true });

for (const entry of ["package.json", "node_modules", "dist", "policies"]) {
  if (existsSync(entry)) cpSync(entry, path.join(app, entry), { recursive: true, verbatimSymlinks: true });
}

// Package-manager shims (node_modules/.bin) are never run in the image.
rmSync(path.join(app, "node_modules/.bin"), { recursive: true, force: true });

// Native SQLite: keep only the prebuilt binding for this platform; the C sources are build-time only.
const sqlite = path.join(app, "node_modules/better-sqlite3");
for (const dir of ["deps", "src"]) rmSync(path.join(sqlite, dir), { recursive: true, force: true });
const prebuilds = path.join(sqlite, "prebuilds");
if (existsSync(prebuilds)) {
  for (const file of readdirSync(prebuilds)) {
    if (file !== `${process.platform}-${process.arch}.node`) rmSync(path.join(prebuilds, file));
  }
}

walk(app, (file, isDir) => {
  if (!isDir && file.endsWith(".map")) return rmSync(file);
  chmodSync(file, isDir ? 0o755 : 0o644);
});

const data = path.join(out, "data");
mkdirSync(data, { recursive: true });
chmodSync(data, 0o700);
chownSync(data, RUNTIME_UID, RUNTIME_UID);

function walk(dir, visit) {
  visit(dir, true);
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    const stat = lstatSync(file);
    if (stat.isSymbolicLink()) continue;
    if (stat.isDirectory()) walk(file, visit);
    else visit(file, false);
  }
}
