import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    pool: "forks",
    // Two files at a time even on 2 cores (vitest's default is cores - 1): most files wait on
    // browsers, sockets and databases rather than compute, and the whole suite must stay well
    // under its time budget. Tests take their own ports, databases and temp dirs, so files
    // running side by side never share state.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll retries until this long (vitest's default is 1 s): browser and socket tests wait
    // for what a busy 2-core machine delivers late; a poll that never succeeds still fails.
    expect: { poll: { timeout: 10_000 } },
    reporters: ["default"],
  },
});
