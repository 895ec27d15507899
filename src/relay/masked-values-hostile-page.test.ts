import { describe, expect, it } from "vitest";
import { MASK_PLACEHOLDER } from "../protocol/mask.js";
import { watchedSession } from "../../test/relay/helpers/watched-session.js";

// Finding: the relay's masking re-check was incomplete. With maskInputValues on, a page that
// bypasses the visitor script got values to agents unmasked: snapshot <input value>, <textarea>
// text and <option> values, `value` attribute mutations on password and card fields, a `type`
// change from password to text. Every way a value travels is masked by the relay itself:
// snapshot, added subtree, attribute and text mutations, input events, with hostile frames (what
// the visitor script would never send). Password and card fields stay masked when policy unmasks
// other inputs, and stay secret after their type changes. A <select> choice travels as the
// visitor script sends it (the options are what the page shows), unless the select is a card
// field or marked private (`data-airlock-mask`): then its options' values and selection are masked.

const SECRET = "DE89370400440532013000";
const masked = (value: string) => MASK_PLACEHOLDER.repeat(Math.min(value.length, 64));

const page =
  '<body data-airlock-id="1"><form data-airlock-id="2">' +
  `<input data-airlock-id="3" name="iban" value="${SECRET}">` +
  `<input data-airlock-id="4" type="password" value="${SECRET}">` +
  `<input data-airlock-id="5" autocomplete="cc-number" value="${SECRET}">` +
  `<textarea data-airlock-id="6">${SECRET}</textarea>` +
  `<select data-airlock-id="7"><option data-airlock-id="8" value="${SECRET}" selected>Main account</option></select>` +
  '<input data-airlock-id="9" type="password"><p data-airlock-id="10">Balance</p>' +
  `<select data-airlock-id="11" autocomplete="cc-exp-month"><option data-airlock-id="12" value="${SECRET}" selected>July</option></select>` +
  `<select data-airlock-id="13" data-airlock-mask><optgroup data-airlock-id="14"><option data-airlock-id="15" value="${SECRET}" selected>Savings</option></optgroup></select>` +
  "</form></body>";

describe("masked values: a page that bypasses the visitor script (maskInputValues on)", () => {
  it("snapshot: <input value>, password and card values, <textarea> text and private <option> values reach agents masked", () => {
    const r = watchedSession(page);
    const html = r.snapshot();
    expect(html).toContain(`<input name="iban" value="${masked(SECRET)}" data-airlock-id="3" />`);
    expect(html).toContain(`<input type="password" value="${masked(SECRET)}" data-airlock-id="4" />`);
    expect(html).toContain(`<input autocomplete="cc-number" value="${masked(SECRET)}" data-airlock-id="5" />`);
    expect(html).toContain(`<textarea data-airlock-id="6">${masked(SECRET)}</textarea>`);
    expect(html).toContain(`<option value="${masked(SECRET)}" data-airlock-id="12">July</option>`);
    expect(html).toContain(`<option value="${masked(SECRET)}" data-airlock-id="15">Savings</option>`);
    // An ordinary select's choice travels, as the visitor script sends it.
    expect(html).toContain(`<option value="${SECRET}" selected data-airlock-id="8">Main account</option>`);
    expect(html.replace(`value="${SECRET}" selected data-airlock-id="8"`, "")).not.toContain(SECRET);
  });

  it("snapshot: a <textarea> inside SVG's <title> (an HTML textarea to a browser) is masked too, and a page cannot mark its own", () => {
    const r = watchedSession(
      `<body data-airlock-id="1"><svg data-airlock-id="2"><title data-airlock-id="3"><textarea data-airlock-id="4">${SECRET}</textarea></title></svg>` +
        `<textarea data-airlock-id="5" data-airlock-mask-text="0">${SECRET}</textarea></body>`,
    );
    expect(r.received()).not.toContain(SECRET);
    expect(r.snapshot()).not.toContain("data-airlock-mask-text");
  });

  it("added subtree: the same fields added later are masked the same way", () => {
    const r = watchedSession('<body data-airlock-id="1"><div data-airlock-id="2"></div></body>');
    const { failure, sent } = r.ops({
      op: "add",
      parent: 2,
      before: null,
      html: `<input data-airlock-id="20" value="${SECRET}"><textarea data-airlock-id="21">${SECRET}</textarea><select data-airlock-id="22" data-airlock-mask=""><option data-airlock-id="23" value="${SECRET}">x</option></select>`,
    });
    expect(failure).toBeUndefined();
    expect(String(sent[0]?.html)).toContain(masked(SECRET));
    expect(JSON.stringify(r.agent.frames.filter((f) => f.kind !== "snapshot"))).not.toContain(SECRET);
  });

  it("attribute mutations: `value` on password, card and plain inputs and on private options is masked", () => {
    const r = watchedSession(page);
    for (const id of [3, 4, 5, 9, 12, 15]) {
      const { failure, sent } = r.ops({ op: "attr", id, name: "value", value: SECRET });
      expect(failure).toBeUndefined();
      expect(sent).toEqual([{ op: "attr", id, name: "value", value: masked(SECRET) }]);
    }
    expect(r.ops({ op: "attr", id: 8, name: "value", value: "savings" }).sent[0]?.value).toBe("savings");
    expect(r.ops({ op: "attr", id: 13, name: "data-airlock-mask", value: null }).failure).toBeUndefined();
    expect(r.ops({ op: "attr", id: 15, name: "value", value: SECRET }).sent[0]?.value).toBe(masked(SECRET));
    expect(JSON.stringify(r.agent.frames.filter((f) => f.kind !== "snapshot"))).not.toContain(SECRET);
  });

  it("text mutations inside a <textarea> are masked; other text is not a value", () => {
    const r = watchedSession(page);
    expect(r.ops({ op: "text", id: 6, value: SECRET }).sent).toEqual([{ op: "text", id: 6, value: masked(SECRET) }]);
    expect(r.ops({ op: "text", id: 10, value: "Balance: 12" }).sent).toEqual([{ op: "text", id: 10, value: "Balance: 12" }]);
  });

  it("input events are masked even when the page says they are not; an ordinary select's choice is shown", () => {
    const r = watchedSession(page);
    for (const id of [3, 4, 6, 11, 13]) {
      expect(r.send({ kind: "input", id, value: SECRET, masked: false })).toBeUndefined();
      expect(r.agent.last("input")).toEqual({ kind: "input", id, masked: true, value: masked(SECRET) });
    }
    expect(r.send({ kind: "input", id: 7, value: "main", masked: false })).toBeUndefined();
    expect(r.agent.last("input")).toEqual({ kind: "input", id: 7, masked: false, value: "main" });
  });

  it("a field marked private by attribute mutation is masked from then on, and stays so", () => {
    const r = watchedSession(page, { maskInputValues: false });
    r.ops({ op: "attr", id: 7, name: "data-airlock-mask", value: "" });
    r.ops({ op: "attr", id: 7, name: "data-airlock-mask", value: null });
    expect(r.send({ kind: "input", id: 7, value: SECRET, masked: false })).toBeUndefined();
    expect(r.agent.last("input")).toMatchObject({ masked: true, value: masked(SECRET) });
    expect(r.ops({ op: "attr", id: 8, name: "value", value: SECRET }).sent[0]?.value).toBe(masked(SECRET));
  });
});

describe("masked values: secret fields when the policy unmasks input values", () => {
  it("password and card fields stay masked in the snapshot, attribute mutations and input events; other inputs follow the policy", () => {
    const r = watchedSession(page, { maskInputValues: false });
    const html = r.snapshot();
    expect(html).toContain(`<input name="iban" value="${SECRET}" data-airlock-id="3" />`);
    expect(html).toContain(`<input type="password" value="${masked(SECRET)}" data-airlock-id="4" />`);
    expect(html).toContain(`<input autocomplete="cc-number" value="${masked(SECRET)}" data-airlock-id="5" />`);
    for (const id of [4, 5, 9]) expect(r.ops({ op: "attr", id, name: "value", value: SECRET }).sent[0]?.value).toBe(masked(SECRET));
    expect(r.send({ kind: "input", id: 4, value: SECRET, masked: false })).toBeUndefined();
    expect(r.agent.last("input")).toEqual({ kind: "input", id: 4, masked: true, value: masked(SECRET) });
    expect(r.ops({ op: "attr", id: 3, name: "value", value: "plain" }).sent[0]?.value).toBe("plain");
  });

  it("a password field whose type changes to text stays secret: later values and input events are masked", () => {
    const r = watchedSession(page, { maskInputValues: false });
    expect(r.ops({ op: "attr", id: 4, name: "type", value: "text" }).sent).toEqual([{ op: "attr", id: 4, name: "type", value: "text" }]);
    expect(r.ops({ op: "attr", id: 4, name: "value", value: SECRET }).sent[0]?.value).toBe(masked(SECRET));
    expect(r.send({ kind: "input", id: 4, value: SECRET, masked: false })).toBeUndefined();
    expect(r.agent.last("input")).toMatchObject({ masked: true, value: masked(SECRET) });
    // (The snapshot shows the plain fields' values: this policy unmasks them.)
    expect(JSON.stringify(r.agent.frames.filter((f) => f.kind !== "snapshot"))).not.toContain(SECRET);
  });

  it("a field that becomes a card field by attribute mutation is masked from then on", () => {
    const r = watchedSession(page, { maskInputValues: false });
    r.ops({ op: "attr", id: 3, name: "autocomplete", value: "cc-number" });
    expect(r.ops({ op: "attr", id: 3, name: "value", value: SECRET }).sent[0]?.value).toBe(masked(SECRET));
    expect(r.ops({ op: "add", parent: 2, before: null, html: `<textarea data-airlock-id="30" autocomplete="cc-csc">${SECRET}</textarea>` }).sent[0]?.html).toContain(masked(SECRET));
  });
});
