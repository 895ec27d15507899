import type { CDPSession, Page } from "playwright-core";

// The scripted visit `bench capture` drives through every recorder: the same pages, the same
// pointer paths, clicks, typing and scrolling, with the same pauses. After each page it reads
// Chromium's main-thread time for that document (the metrics start afresh with every document).

export interface VisitFigures {
  /** Main-thread time of the visited documents, summed (ms). */
  readonly taskMs: number;
  /** Of that, time running script (ms). */
  readonly scriptMs: number;
  /** Length of the visit (ms), for bytes per minute. */
  readonly durationMs: number;
}

const SETTLE_MS = 400;

async function documentTime(cdp: CDPSession): Promise<{ task: number; script: number }> {
  const { metrics } = await cdp.send("Performance.getMetrics");
  const value = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
  return { task: value("TaskDuration"), script: value("ScriptDuration") };
}

/** Runs the visit; `beforeFirstPage` handles a consent prompt on the first page (Airlock only). */
export async function runVisit(page: Page, baseUrl: string, onFirstPage: (page: Page) => Promise<void>): Promise<VisitFigures> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  let taskMs = 0;
  let scriptMs = 0;
  const start = Date.now();
  const visit = async (path: string, act: () => Promise<void>) => {
    await page.goto(`${baseUrl}${path}`, { waitUntil: "load" });
    await act();
    await page.waitForTimeout(SETTLE_MS); // the last batches leave the page
    const t = await documentTime(cdp);
    taskMs += t.task;
    scriptMs += t.script;
  };

  await visit("/demo", async () => {
    await onFirstPage(page);
    for (let i = 0; i <= 40; i++) await page.mouse.move(80 + i * 16, 200 + (i % 10) * 24);
    for (const product of ["lamp", "mug", "plant"]) {
      await page.click(`button.add[data-product=${product}]`);
      await page.waitForTimeout(120);
    }
    for (let i = 0; i < 3; i++) {
      await page.mouse.wheel(0, 240);
      await page.waitForTimeout(100);
    }
  });
  await visit("/demo/checkout", async () => {
    await page.locator("#name").pressSequentially("Erika Example", { delay: 15 });
    await page.locator("#address").pressSequentially("Hauptstrasse 5", { delay: 15 });
    await page.selectOption("#country", "at");
    await page.check("#newsletter");
    await page.locator("#card").pressSequentially("4111 1111 1111 1111", { delay: 15 });
  });
  await visit("/demo/guide", async () => {
    await page.mouse.move(500, 400);
    for (let i = 0; i < 8; i++) {
      await page.mouse.wheel(0, 400);
      await page.waitForTimeout(80);
    }
    await page.evaluate(() => scrollTo(0, 0));
    const faq = await page.locator("#faq").boundingBox();
    if (faq) {
      await page.mouse.move(faq.x + faq.width / 2, faq.y + faq.height / 2);
      for (let i = 0; i < 4; i++) {
        await page.mouse.wheel(0, 120);
        await page.waitForTimeout(80);
      }
    }
  });
  await visit("/demo/account", async () => {
    await page.click("#nosync-button");
    await page.locator("#password").pressSequentially("hunter2hunter2", { delay: 15 });
  });
  return { taskMs, scriptMs, durationMs: Date.now() - start };
}
