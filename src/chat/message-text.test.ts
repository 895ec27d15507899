import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AirlockError } from "../errors.js";
import { cleanMessageText, MAX_MESSAGE_CHARS } from "./message-text.js";

describe("cleanMessageText", () => {
  it("keeps markup as literal text and removes deceptive characters", () => {
    expect(cleanMessageText("  <script>alert(1)</script> https://x.test  ")).toBe("<script>alert(1)</script> https://x.test");
    expect(cleanMessageText("pay\u202Eevil\u202C now\u0000\u0007")).toBe("payevil now");
    expect(cleanMessageText("a\r\nb\n\n\n\nc")).toBe("a\nb\n\nc");
    expect(cleanMessageText("x\uD800y")).toBe("x\uFFFDy");
  });

  it("refuses empty and over-long messages with specific codes", () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as AirlockError).code;
      }
      return "none";
    };
    expect(code(() => cleanMessageText(" \u202E\n "))).toBe("bad_request");
    expect(code(() => cleanMessageText("a".repeat(MAX_MESSAGE_CHARS + 1)))).toBe("payload_too_large");
    expect(code(() => cleanMessageText("a".repeat(100_000)))).toBe("payload_too_large");
    expect(cleanMessageText("😀".repeat(MAX_MESSAGE_CHARS))).toHaveLength(MAX_MESSAGE_CHARS * 2);
  });

  it("never throws anything but an AirlockError and its output is a fixed point", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => {
        try {
          const once = cleanMessageText(s);
          expect(cleanMessageText(once)).toBe(once);
        } catch (e) {
          expect(e).toBeInstanceOf(AirlockError);
        }
      }),
      { numRuns: 60 },
    );
  });
});
