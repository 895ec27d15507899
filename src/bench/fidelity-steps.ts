import type { Page } from "playwright-core";

// Where `bench fidelity` looks at each page: the top, middle and bottom after load, then after
// each interaction the page allows, with the element it touched in view. An interaction the
// page has no element for is skipped (and named as skipped in the figures).

export type Position = "top" | "middle" | "bottom" | "scrolled-element" | "details-open" | "typed" | "select-chosen" | "menu-hover";

export const LOAD_POSITIONS: readonly Position[] = ["top", "middle", "bottom"];
export const INTERACTIONS: readonly Position[] = ["scrolled-element", "details-open", "typed", "select-chosen", "menu-hover"];

/** Scrolls the visitor's page to the top, the middle or the bottom. */
export async function scrollTo(visitor: Page, position: "top" | "middle" | "bottom"): Promise<void> {
  await visitor.evaluate((where) => {
    const max = Math.max(0, document.documentElement.scrollHeight - innerHeight);
    window.scrollTo(0, where === "top" ? 0 : where === "middle" ? Math.round(max / 2) : max);
  }, position);
}

const MARK = "data-bench-target";

/** Marks the first visible element a selector-free rule picks, scrolls it into view; false when there is none. */
async function pick(visitor: Page, kind: Position): Promise<boolean> {
  return visitor.evaluate(
    ({ kind, mark }) => {
      const visible = (el: Element) => {
        const r = el.getBoundingClientRect();
        const cs = getComputedStyle(el);
        return r.width > 4 && r.height > 4 && cs.visibility !== "hidden" && cs.display !== "none" && !el.closest("[data-airlock-ui]");
      };
      const all = [...document.querySelectorAll("body *")];
      let target: Element | undefined;
      if (kind === "scrolled-element") {
        target = all.find((el) => {
          const cs = getComputedStyle(el);
          return /(auto|scroll)/.test(cs.overflowY + cs.overflowX) && (el.scrollHeight > el.clientHeight + 20 || el.scrollWidth > el.clientWidth + 20) && visible(el);
        });
      } else if (kind === "details-open") {
        target = [...document.querySelectorAll("details:not([open]) > summary")].find(visible);
      } else if (kind === "typed") {
        target = [...document.querySelectorAll("input:not([type]), input[type=text], input[type=search], input[type=email], textarea")].find(visible);
      } else if (kind === "select-chosen") {
        target = [...document.querySelectorAll("select")].find((s) => visible(s) && (s).options.length > 1);
      } else if (kind === "menu-hover") {
        target = [...document.querySelectorAll("nav a, [role=menu] [role=menuitem], [role=menubar] > *, header li > a, .menu a, #toc a, .toc a")].find(visible);
      }
      if (!target) return false;
      target.setAttribute(mark, "");
      target.scrollIntoView({ block: "center", inline: "nearest" });
      return true;
    },
    { kind, mark: MARK },
  );
}

/** Performs one interaction on the visitor's page; false when the page has nothing it applies to. */
export async function interact(visitor: Page, kind: Position): Promise<boolean> {
  await visitor.evaluate((mark) => document.querySelector(`[${mark}]`)?.removeAttribute(mark), MARK);
  if (!(await pick(visitor, kind))) return false;
  const target = visitor.locator(`[${MARK}]`).first();
  switch (kind) {
    case "scrolled-element":
      await target.evaluate((el) => el.scrollTo(Math.round((el.scrollWidth - el.clientWidth) / 2), Math.round((el.scrollHeight - el.clientHeight) / 2)));
      return true;
    case "details-open":
      await target.click();
      return true;
    case "typed":
      await target.click();
      await target.pressSequentially("Fidelity check 42", { delay: 10 });
      return true;
    case "select-chosen":
      await target.evaluate((el) => {
        const select = el as HTMLSelectElement;
        select.selectedIndex = (select.selectedIndex + 1) % select.options.length;
        select.dispatchEvent(new Event("input", { bubbles: true }));
        select.dispatchEvent(new Event("change", { bubbles: true }));
      });
      return true;
    case "menu-hover":
      await target.hover();
      return true;
    default:
      return false;
  }
}
