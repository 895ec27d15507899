import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

// `bench failover` runs three server processes on PostgreSQL and Redis; without them it says so
// and starts nothing (the figures themselves come from the command, never from a test).

describe("bin/airlock bench failover", () => {
  it("names the PostgreSQL and Redis it needs when they are not given", () => {
    const r = runCli(["bench", "failover", "--json"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("bench failover needs PostgreSQL and Redis");
  });

  it("refuses a round count out of bounds", () => {
    const r = runCli(["bench", "failover", "--rounds", "0"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("--rounds takes a number from 1 to 30");
  });
});
