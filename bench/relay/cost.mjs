// Where the relay's CPU goes per recorded frame, in one process without sockets (relay-cost.ts).
import { bundleAndRun } from "./bundle-and-run.mjs";

await bundleAndRun("relay-cost.ts");
