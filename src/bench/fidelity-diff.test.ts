import { describe, expect, it } from "vitest";
import { compareScreens, sameGeometry } from "./fidelity-diff.js";
import { decodePng, encodePng, type Rgba } from "./fidelity-png.js";

// The pixel comparison of `bench fidelity`: screenshots survive the PNG round trip, a masked
// block counts as matching only where the page copy's placeholder has the visitor's geometry,
// and a copy of another size counts the missing area as mismatching.

function image(width: number, height: number, paint: (x: number, y: number) => [number, number, number]): Rgba {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([...paint(x, y), 255], (y * width + x) * 4);
  return { width, height, data };
}

describe("bench fidelity's comparison", () => {
  const white = image(40, 20, () => [255, 255, 255]);
  const boxed = image(40, 20, (x, y) => (x >= 10 && x < 20 && y >= 5 && y < 15 ? [0, 0, 0] : [255, 255, 255]));

  it("reads back the PNG it writes", () => {
    expect(decodePng(encodePng(boxed))).toEqual(boxed);
    expect(() => decodePng(Buffer.from("not a png"))).toThrow("not a PNG image");
  });

  it("counts matching pixels", async () => {
    expect((await compareScreens(white, white, [])).match).toBe(1);
    expect((await compareScreens(white, boxed, [])).match).toBeCloseTo(1 - 100 / 800, 5);
  });

  it("counts a masked block as matching only where both sides have the same box", async () => {
    const box = { x: 10, y: 5, width: 10, height: 10 };
    expect(sameGeometry([box], [{ ...box, x: 10.6 }])).toHaveLength(1);
    expect(sameGeometry([box], [{ ...box, height: 30 }])).toEqual([]);
    expect((await compareScreens(white, boxed, sameGeometry([box], [box]))).match).toBe(1);
  });

  it("counts the area a smaller copy lacks as mismatching", async () => {
    const half = image(40, 10, () => [255, 255, 255]);
    expect((await compareScreens(white, half, [])).match).toBe(0.5);
  });
});
