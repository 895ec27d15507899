import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll retries until this long (vitest's default is 1 s): browser and socket tests wait
    // for what a busy 2-core machine delivers late; a poll that never succeeds still fails.
    expect: { poll: { timeout: 10_000 } },
    reporters: ["default"],
  },
});
