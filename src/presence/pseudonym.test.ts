import { describe, expect, it } from "vitest";
import { visitorPseudonym } from "./pseudonym.js";

describe("visitorPseudonym", () => {
  it("gives a visit the same readable name every time, and different visits different names", () => {
    const a = visitorPseudonym("visit-aaaaaaaaaaaaaaaa");
    expect(a).toMatch(/^Visitor [1-9]\d{3}$/);
    expect(visitorPseudonym("visit-aaaaaaaaaaaaaaaa")).toBe(a);
    const names = new Set(Array.from({ length: 50 }, (_, i) => visitorPseudonym(`visit-${String(i).padStart(16, "0")}`)));
    expect(names.size).toBeGreaterThan(45);
  });

  it("never shows the visit id or a piece of it", () => {
    const id = "Ab12Cd34Ef56Gh78";
    expect(visitorPseudonym(id)).not.toContain(id.slice(0, 4));
  });
});
