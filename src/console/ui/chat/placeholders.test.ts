import { describe, expect, it } from "vitest";
import { fillPlaceholders, firstName } from "./placeholders.js";

describe("canned response placeholders", () => {
  const values = { visitor: "Visitor 4821", agentName: "Alex  Agent" };
  it("fills the visitor's name and the agent's first and full name, every time they occur", () => {
    expect(fillPlaceholders("Hello {visitor}, I am {agent.firstName} ({agent.name}). {visitor}?", values)).toBe("Hello Visitor 4821, I am Alex (Alex  Agent). Visitor 4821?");
  });
  it("leaves unknown or malformed placeholders as written, and a missing name unfilled", () => {
    expect(fillPlaceholders("{visiter} {agent.lastName} {visitor", values)).toBe("{visiter} {agent.lastName} {visitor");
    expect(fillPlaceholders("I am {agent.firstName}", { visitor: "Visitor 1", agentName: "  " })).toBe("I am {agent.firstName}");
  });
  it("does not treat replacement patterns in names as special", () => {
    expect(fillPlaceholders("Hi {visitor}", { visitor: "$& $1", agentName: "A" })).toBe("Hi $& $1");
  });
  it("takes the first word of a name", () => {
    expect(firstName("Sam Supervisor")).toBe("Sam");
    expect(firstName("Cher")).toBe("Cher");
  });
});
