// Records bench/fixtures/relay-frames.json from the real visitor script in Chromium (record-frames.ts).
import { bundleAndRun } from "./bundle-and-run.mjs";

await bundleAndRun("record-frames.ts");
