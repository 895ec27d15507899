import { describe, expect, it } from "vitest";
import { ManualClock } from "../../test/relay/ws-client.js";
import { CONTROL_BURST_GAP_MS, CONTROL_ENTRIES_PER_MINUTE, ControlAudit, type ControlAuditEntry } from "./control-audit.js";

// The burst rule that keeps control actions from flooding the audit trail.

function setup() {
  const clock = new ManualClock();
  const written: (ControlAuditEntry | { agent: string; throttled: true })[] = [];
  const audit = new ControlAudit(clock, (e) => written.push(e));
  return { clock, written, audit };
}

describe("control audit bursts", () => {
  it("writes one entry per typing burst on a node; a pause, another node or another outcome starts a new one", () => {
    const { clock, written, audit } = setup();
    for (let i = 0; i < 40; i++) {
      audit.note({ agent: "a", type: i % 10 === 9 ? "key" : "input", node: 7, outcome: "forwarded" });
      clock.t += 200;
    }
    expect(written).toHaveLength(1);
    clock.t += CONTROL_BURST_GAP_MS;
    audit.note({ agent: "a", type: "input", node: 7, outcome: "forwarded" });
    audit.note({ agent: "a", type: "input", node: 8, outcome: "forwarded" });
    audit.note({ agent: "a", type: "input", node: 8, outcome: { by: "page", reason: "value_too_long" } });
    audit.note({ agent: "a", type: "input", node: 8, outcome: { by: "page", reason: "value_too_long" } });
    audit.note({ agent: "a", type: "click", node: 8, outcome: "forwarded" });
    expect(written.map((e) => ("throttled" in e ? "throttled" : `${e.type}:${e.node}`))).toEqual(["input:7", "input:7", "input:8", "input:8", "click:8"]);
  });

  it("keeps agents' bursts apart and remembers who acted on a node", () => {
    const { written, audit } = setup();
    audit.note({ agent: "a", type: "input", node: 7, outcome: "forwarded" });
    audit.note({ agent: "b", type: "input", node: 7, outcome: "forwarded" });
    audit.note({ agent: "a", type: "input", node: 7, outcome: "forwarded" });
    expect(written).toHaveLength(2);
    expect(audit.actorOf(7)).toBe("a");
  });

  it("caps an agent at a number of entries a minute, says so once, and resumes the next minute", () => {
    const { clock, written, audit } = setup();
    for (let i = 0; i < 500; i++) audit.note({ agent: "a", type: "click", node: 1 + (i % 2), outcome: "forwarded" });
    expect(written).toHaveLength(CONTROL_ENTRIES_PER_MINUTE + 1);
    expect(written.at(-1)).toEqual({ agent: "a", throttled: true });
    clock.t += 60_000;
    audit.note({ agent: "a", type: "click", node: 3, outcome: "forwarded" });
    expect(written).toHaveLength(CONTROL_ENTRIES_PER_MINUTE + 2);
  });
});
