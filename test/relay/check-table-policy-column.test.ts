import { describe, expect, it } from "vitest";
import { asksNoPolicy, isAsksNoPolicy } from "../../src/policy/message-guards.js";
import { agentActions, agentChecks, openingChecks, rowChecks, visitorActions, visitorChecks, type Row } from "../../src/relay/message-table.js";

// The policy column of the message table is derived from the action map, never written twice:
// a row asks its kind's action (or asks it as if the visitor had granted a mode), or says `none`,
// which the types allow only where the map says the kind asks no policy.

type Input = { readonly decide: (action: string) => { allow: boolean; reason: string } };

describe("the action map and the table's policy column cannot disagree", () => {
  it("each row that asks runs exactly its kind's action from the map; a kind that asks no policy runs none", () => {
    const rows = [
      ...Object.entries(openingChecks).map(([kind, row]) => [visitorActions[kind as keyof typeof openingChecks], row] as const),
      ...Object.entries(visitorChecks).map(([kind, row]) => [visitorActions[kind as keyof typeof visitorChecks], row] as const),
      ...Object.entries(agentChecks).map(([kind, row]) => [agentActions[kind as keyof typeof agentChecks], row] as const),
    ];
    for (const [access, row] of rows) {
      const asked = row.map((c) => c.checkName).filter((name) => name.startsWith("policy:") && name !== "policy:cobrowse:join");
      if (isAsksNoPolicy(access)) expect(asked).toEqual([]);
      else expect(asked).toEqual([expect.stringMatching(new RegExp(`^policy:${access}(:as-if-granted-(view|control))?$`))]);
    }
    expect(agentChecks.leave.map((c) => c.checkName)).toEqual(["joined"]);
  });

  it("a column that contradicts the map is refused when the table is built", () => {
    const noPolicy = asksNoPolicy("a kind that needs no decision");
    expect(() => rowChecks<Input>([[], "asks", []] as Row<Input>, noPolicy)).toThrow(/contradicts the action map/);
    expect(() => rowChecks<Input>([[], "none", []] as Row<Input>, "cobrowse:view")).toThrow(/contradicts the action map/);
  });

  it("and the types refuse it before that", () => {
    // @ts-expect-error `none` where the map names an action
    const asksButSaysNone: Row<Input, "cobrowse:view"> = [[], "none", []];
    // @ts-expect-error `asks` where the map says the kind asks no policy
    const saysNoneButAsks: Row<Input, ReturnType<typeof asksNoPolicy>> = [[], "asks", []];
    expect([asksButSaysNone, saysNoneButAsks]).toHaveLength(2);
  });
});
