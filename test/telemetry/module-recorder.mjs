// Preloaded into an `airlock serve` child (node --import): appends the URL of every
// @opentelemetry module the process resolves to the file AIRLOCK_TEST_MODULE_LOG names.
import { appendFileSync } from "node:fs";
import { registerHooks } from "node:module";

const log = process.env.AIRLOCK_TEST_MODULE_LOG;
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    if (log && resolved.url.includes("/@opentelemetry/")) appendFileSync(log, `${resolved.url}\n`);
    return resolved;
  },
});
