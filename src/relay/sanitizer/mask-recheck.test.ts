import { describe, expect, it } from "vitest";
import { watchedSession } from "../../../test/relay/helpers/watched-session.js";

// Masking re-checked when attributes change: a class, id or attribute that the nosync class or a
// site masking selector looks at can make an element, or elements below it, masked after the
// snapshot. Agents are told to remove them and nothing may target them afterwards.

// Two boxes, each with an input: one directly, one two levels down inside a section.
const PAGE =
  '<body data-airlock-id="1"><div id="box" data-airlock-id="2"><p data-airlock-id="3">Balance</p><input data-airlock-id="4"></div>' +
  '<section data-airlock-id="5"><div data-airlock-id="6"><input data-airlock-id="7"></div></section></body>';
const maskedBy = (maskSelectors: readonly string[]) => watchedSession(PAGE, { maskSelectors });

describe("masking re-checked on attribute mutations", () => {
  it("an element that gains the nosync class is removed for agents and can no longer be targeted", () => {
    const r = maskedBy([]);
    const { sent } = r.ops({ op: "attr", id: 2, name: "class", value: "card cobrowsing_nosync" });
    expect(sent).toEqual([{ op: "remove", id: 2 }]);
    expect(r.send({ kind: "input", id: 4, value: "x", masked: true })?.code).toBe("node_masked");
    expect(r.ops({ op: "attr", id: 3, name: "title", value: "x" }).failure?.code).toBe("node_masked");
  });

  it("an element that starts matching a site selector (class, id or attribute) is removed", () => {
    const byClass = maskedBy([".account-number"]);
    expect(byClass.ops({ op: "attr", id: 3, name: "class", value: "account-number" }).sent).toEqual([{ op: "remove", id: 3 }]);
    const byAttr = maskedBy(["[data-private]"]);
    expect(byAttr.ops({ op: "attr", id: 3, name: "data-private", value: "" }).sent).toEqual([{ op: "remove", id: 3 }]);
    const byId = maskedBy(["#iban"]);
    expect(byId.ops({ op: "attr", id: 2, name: "id", value: "iban" }).sent).toEqual([{ op: "remove", id: 2 }]);
  });

  it("a change on an ancestor masks the descendants a combinator selector now matches", () => {
    const r = maskedBy([".vault input", "section.locked > div"]);
    expect(r.ops({ op: "attr", id: 2, name: "class", value: "vault" }).sent).toEqual([{ op: "remove", id: 4 }, { op: "attr", id: 2, name: "class", value: "vault" }]);
    expect(r.send({ kind: "input", id: 4, value: "x", masked: true })?.code).toBe("node_masked");
    expect(r.ops({ op: "attr", id: 5, name: "class", value: "locked" }).sent).toEqual([{ op: "remove", id: 6 }, { op: "attr", id: 5, name: "class", value: "locked" }]);
    expect(r.send({ kind: "input", id: 7, value: "x", masked: true })?.code).toBe("node_masked");
  });

  it("added subtrees are matched with their ancestors in the page", () => {
    const r = maskedBy([".vault input"]);
    r.ops({ op: "attr", id: 5, name: "class", value: "vault" });
    const { sent } = r.ops({ op: "add", parent: 6, before: null, html: '<input data-airlock-id="20" value="secret-value"><b data-airlock-id="21">ok</b>' });
    expect(JSON.stringify(sent)).not.toContain("secret-value");
    expect(JSON.stringify(sent)).toContain("ok");
    expect(r.send({ kind: "input", id: 20, value: "x", masked: true })?.code).toBe("node_masked");
  });

  it("attribute changes that mask nothing pass as before, and masking survives removing the class again", () => {
    const r = maskedBy([".vault input"]);
    expect(r.ops({ op: "attr", id: 3, name: "title", value: "hello" }).sent).toEqual([{ op: "attr", id: 3, name: "title", value: "hello" }]);
    expect(r.ops({ op: "attr", id: 2, name: "class", value: "plain" }).sent).toEqual([{ op: "attr", id: 2, name: "class", value: "plain" }]);
    r.ops({ op: "attr", id: 2, name: "class", value: "vault" });
    r.ops({ op: "attr", id: 2, name: "class", value: null });
    expect(r.send({ kind: "input", id: 4, value: "x", masked: true })?.code).toBe("node_masked");
  });
});
