import { defineConfig } from "vitest/config";

// The evidence gate runs alone, after the whole suite, on that run's JSON report (scripts/test.sh).
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/compliance/evidence-gate.check.ts"],
    reporters: ["default"],
  },
});
