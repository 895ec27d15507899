import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { PolicyError } from "../../src/policy/errors.js";
import { loadPolicy, shippedPolicyDir } from "../../src/policy/load.js";
import { lineOf, policyDir, replaceOnce, shipped } from "../policy/policy-dir.js";

// routing.yaml is checked at load like every policy file: a bad time zone, a malformed or
// overlapping range, an unknown weekday or team each refuse the policy, naming file, line and field.

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function issuesFor(routingYaml: string) {
  const dir = policyDir({ "routing.yaml": routingYaml });
  dirs.push(dir);
  try {
    loadPolicy({ shippedDir: shippedPolicyDir, overrideDir: dir, mode: "dev" });
  } catch (err) {
    if (err instanceof PolicyError) return err.issues;
    throw err;
  }
  return [];
}

/** A routing file for the demo site (the shipped file routes no site). */
const demoRouting = `version: 1
offer:
  timeoutSeconds: 30
  asvs: [V2.1.2]
sites:
  demo:
    timeZone: Europe/Berlin
    teams:
      support: { name: Support, groups: [airlock-agent-viewers, airlock-agents, airlock-supervisors], maxConcurrentChats: 4 }
    defaultTeam: support
    pageRules: []
    asvs: [V2.1.2, V2.2.1]
`;
const withHours = (hours: string) => replaceOnce(demoRouting, "    teams:\n", `    hours: ${hours}\n    teams:\n`);

describe("routing policy validation", () => {
  it("loads the shipped routing policy, and one that routes the demo site", () => {
    expect(issuesFor(shipped("routing.yaml"))).toEqual([]);
    expect(issuesFor(demoRouting)).toEqual([]);
    expect(issuesFor(withHours('{ weekly: { mon: ["09:00-12:00", "12:00-17:00"] }, holidays: ["2026-12-25"] }'))).toEqual([]);
  });

  it("refuses an unknown time zone, naming the field and line", () => {
    const text = replaceOnce(demoRouting, "timeZone: Europe/Berlin", "timeZone: Mars/Olympus_Mons");
    const issues = issuesFor(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ field: "sites.demo.timeZone", line: lineOf(text, "Mars/Olympus_Mons") });
    expect(issues[0]?.message).toBe("unknown IANA time zone: Mars/Olympus_Mons (write e.g. Europe/Berlin)");
  });

  it("refuses overlapping ranges on one day", () => {
    const issues = issuesFor(withHours('{ weekly: { mon: ["09:00-12:00", "11:30-17:00"] } }'));
    expect(issues.map((i) => [i.field, i.message])).toEqual([["sites.demo.hours.weekly.mon[1]", "overlapping ranges: 09:00-12:00 and 11:30-17:00"]]);
  });

  it("refuses a range that ends before it starts, a malformed range and an unknown weekday", () => {
    expect(issuesFor(withHours('{ weekly: { tue: ["17:00-09:00"] } }')).map((i) => i.message)).toEqual(["a range ends after it starts: 17:00-09:00"]);
    expect(issuesFor(withHours('{ weekly: { wed: ["9-17"] } }')).map((i) => i.message)).toEqual(["not a time range HH:MM-HH:MM: 9-17"]);
    expect(issuesFor(withHours('{ weekly: { moonday: ["09:00-17:00"] } }')).map((i) => [i.field, i.message])).toEqual([["sites.demo.hours.weekly.moonday", "unknown key"]]);
  });

  it("refuses a holiday that is not a date", () => {
    expect(issuesFor(withHours('{ weekly: { mon: ["09:00-17:00"] }, holidays: ["Christmas"] }')).map((i) => [i.field, i.message])).toEqual([["sites.demo.hours.holidays[0]", "holidays are dates YYYY-MM-DD"]]);
  });

  it("refuses a default team or page rule naming a team the site lacks, and routing for an unregistered site", () => {
    const badDefault = replaceOnce(demoRouting, "defaultTeam: support", "defaultTeam: mortgages");
    expect(issuesFor(badDefault).map((i) => [i.field, i.message])).toEqual([["sites.demo.defaultTeam", "unknown team: mortgages (teams are support)"]]);
    const badRule = replaceOnce(demoRouting, "pageRules: []", "pageRules: [{ prefix: /loans, team: loans }]");
    expect(issuesFor(badRule).map((i) => [i.field, i.message])).toEqual([["sites.demo.pageRules[0].team", "unknown team: loans"]]);
    const ghost = replaceOnce(demoRouting, "sites:\n  demo:", "sites:\n  ghost:");
    expect(issuesFor(ghost).map((i) => i.message)).toContain("routing for a site sites.yaml does not register: ghost");
  });

  it("refuses an offer timeout outside 5-600 seconds and a team without groups", () => {
    expect(issuesFor(replaceOnce(demoRouting, "timeoutSeconds: 30", "timeoutSeconds: 0")).map((i) => i.field)).toEqual(["offer.timeoutSeconds"]);
    expect(issuesFor(replaceOnce(demoRouting, "groups: [airlock-agent-viewers, airlock-agents, airlock-supervisors]", "groups: []")).map((i) => i.field)).toEqual(["sites.demo.teams.support.groups"]);
  });
});
