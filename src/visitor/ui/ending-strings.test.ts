import { describe, expect, it } from "vitest";
import { END_REASONS } from "../../protocol/error-codes.js";
import { endReasonText } from "../../console/viewer/end-reason-text.js";
import { endingStrings } from "./ending-strings.js";

// Every way a co-browse session can end has a sentence on both sides: the agent's console and
// the visitor's page in English and German. A new end reason without its sentences fails here.

describe("end reasons are sentences on both sides", () => {
  it.each(END_REASONS)("%s", (reason) => {
    for (const lang of ["en", "de"] as const) {
      const text = (endingStrings[lang] as Readonly<Record<string, string>>)[reason];
      expect(text, `${lang} ${reason}`).toMatch(/^\S.*\.$/);
      expect(text).not.toBe(endingStrings[lang].unknown);
    }
    expect(endingStrings.de[reason as keyof typeof endingStrings.de]).not.toBe(endingStrings.en[reason as keyof typeof endingStrings.en]);
    expect(endReasonText(reason)).not.toBe(endReasonText(undefined));
  });
});
