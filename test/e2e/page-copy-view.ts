import type { Page } from "playwright-core";

// Reads the agent's page copy from the console page, the way the viewer itself reaches into its
// replay frame. Playwright is kept out of the frame: the frame is sandboxed without scripts,
// and Chromium reports Playwright's own attempts to run its helpers in there as blocked script.
// (Each read is its own function: the console's CSP allows no eval to share code between them.)

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export class PageCopyView {
  constructor(private readonly agent: Page) {}

  text(selector: string): Promise<string> {
    return this.agent.evaluate((sel) => {
      const doc = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument;
      return (doc?.querySelector(sel) as HTMLElement | null)?.innerText ?? "";
    }, selector);
  }

  value(selector: string): Promise<string> {
    return this.agent.evaluate((sel) => {
      const doc = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument;
      return (doc?.querySelector(sel) as HTMLInputElement | null)?.value ?? "";
    }, selector);
  }

  scrollY(): Promise<number> {
    return this.agent.evaluate(() => document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentWindow?.scrollY ?? -1);
  }

  count(selector: string): Promise<number> {
    return this.agent.evaluate((sel) => document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument?.querySelectorAll(sel).length ?? -1, selector);
  }

  /** URLs the page copy's images, stylesheets and media load from. */
  assetUrls(): Promise<string[]> {
    return this.agent.evaluate(() => {
      const doc = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument;
      return [...(doc?.querySelectorAll("img, link, source") ?? [])].map((e) => e.getAttribute("src") ?? e.getAttribute("href") ?? "");
    });
  }

  /** Where an element of the page copy is on the agent's screen (the page copy is scaled to fit). */
  box(selector: string): Promise<Box> {
    return this.agent.evaluate((sel) => {
      const frame = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe");
      const el = frame?.contentDocument?.querySelector(sel);
      if (!frame || !el) throw new Error(`no ${sel} in the replica`);
      const f = frame.getBoundingClientRect();
      const scale = f.width / frame.offsetWidth;
      const r = el.getBoundingClientRect();
      return { x: f.x + r.x * scale, y: f.y + r.y * scale, width: r.width * scale, height: r.height * scale };
    }, selector);
  }
}
