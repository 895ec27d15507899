import type { Page } from "playwright-core";

/**
 * Changes a real page the way live pages change: text updates, class toggles, inline style
 * changes, list items added and removed, form values typed, scrolling. Seeded, so a recording
 * can be repeated.
 */
export async function mutatePage(page: Page, seed: number): Promise<void> {
  for (let step = 0; step < 30; step++) {
    await page.evaluate(
      ({ seed, step }) => {
        let s = (seed * 7919 + step * 104729) >>> 0;
        // 32-bit LCG in integer arithmetic (a float product would lose the low bits and make
        // some changes never happen), answering from its better-mixed high bits.
        const rnd = (n: number) => {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          return (s >>> 8) % Math.max(1, n);
        };
        const all = [...document.body.querySelectorAll("div, p, li, span, a, td, h2, h3")];
        const pick = () => all[rnd(all.length)];
        for (let k = 0; k < 4; k++) {
          const el = pick();
          if (!el) return;
          switch (rnd(6)) {
            case 0:
              el.classList.toggle("is-active");
              break;
            case 1:
              (el as HTMLElement).style.backgroundColor = `rgb(${rnd(255)}, ${rnd(255)}, ${rnd(255)})`;
              break;
            case 2:
              if (el.children.length === 0) el.textContent = `Updated ${step}.${k}: ${(el.textContent ?? "").slice(0, 40)}`;
              break;
            case 3: {
              const copy = el.cloneNode(true) as Element;
              copy.removeAttribute("id");
              el.parentElement?.appendChild(copy);
              break;
            }
            case 4:
              if (all.length > 50 && el !== document.body) el.remove();
              break;
            default:
              el.setAttribute("data-state", String(step));
          }
        }
      },
      { seed, step },
    );
    if (step % 5 === 0) await page.mouse.wheel(0, 400);
    if (step % 3 === 0) await page.mouse.move(100 + step * 20, 150 + step * 10);
    await page.waitForTimeout(70);
  }
}
