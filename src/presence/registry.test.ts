import { describe, expect, it } from "vitest";
import { visitorPseudonym } from "./pseudonym.js";
import { MAX_LISTED_PAGES, PresenceRegistry } from "./registry.js";

describe("PresenceRegistry", () => {
  it("tracks page, title, pages viewed, referrer and time on site per visit, live", () => {
    let now = 1_000;
    const presence = new PresenceRegistry(() => now, 30_000);
    const told: string[] = [];
    presence.subscribe("demo", (site) => told.push(site));
    presence.connected("demo", "visit-aaaaaaaaaaaaaaaa");
    presence.pageView("demo", "visit-aaaaaaaaaaaaaaaa", { url: "https://shop.test/", title: "Home", referrer: "https://search.test/" });
    now = 5_000;
    // next page: the connection closes and a new one opens within the grace period
    presence.disconnected("demo", "visit-aaaaaaaaaaaaaaaa");
    presence.connected("demo", "visit-aaaaaaaaaaaaaaaa");
    presence.pageView("demo", "visit-aaaaaaaaaaaaaaaa", { url: "https://shop.test/cart", title: "Cart", referrer: "https://search.test/" });
    presence.setChat("demo", "visit-aaaaaaaaaaaaaaaa", "queued");
    const [v] = presence.list("demo");
    expect(v).toEqual({
      visitor: "visit-aaaaaaaaaaaaaaaa",
      name: visitorPseudonym("visit-aaaaaaaaaaaaaaaa"),
      url: "https://shop.test/cart",
      title: "Cart",
      referrer: "https://search.test/",
      pagesViewed: 2,
      startedAt: 1_000,
      lastSeenAt: 5_000,
      chat: "queued",
      cobrowse: "none",
      pages: [
        { url: "https://shop.test/", title: "Home", at: 1_000 },
        { url: "https://shop.test/cart", title: "Cart", at: 5_000 },
      ],
    });
    expect(told).toHaveLength(5); // page, gone, back, page, chat
    expect(presence.snapshot("demo")[0]?.chat).toBe("queued");
    expect(presence.list("other")).toEqual([]);
  });

  it("drops a visit from the list when it leaves and forgets it after the grace period", () => {
    let now = 0;
    const presence = new PresenceRegistry(() => now, 30_000);
    presence.connected("demo", "v");
    presence.pageView("demo", "v", { url: "https://shop.test/", title: "", referrer: "" });
    presence.disconnected("demo", "v");
    expect(presence.list("demo")).toEqual([]);
    now = 10_000;
    presence.connected("demo", "v");
    presence.pageView("demo", "v", { url: "https://shop.test/", title: "", referrer: "" });
    expect(presence.list("demo")[0]?.startedAt).toBe(0); // same visit continues
    presence.disconnected("demo", "v");
    presence.connected("demo", "v");
    presence.disconnected("demo", "v");
    now = 100_000;
    presence.sweep();
    presence.pageView("demo", "v", { url: "https://shop.test/", title: "", referrer: "" });
    expect(presence.list("demo")[0]?.startedAt).toBe(100_000); // a new visit
  });

  it("tells subscribers of every visible change, the visit coming back within its grace included; the snapshot follows", () => {
    const presence = new PresenceRegistry(() => 0, 30_000);
    const seen: string[][] = [];
    const stop = presence.subscribe("demo", () => seen.push(presence.snapshot("demo").map((v) => v.cobrowse)));
    presence.connected("demo", "v");
    presence.pageView("demo", "v", { url: "https://shop.test/", title: "", referrer: "" });
    presence.setCobrowse("demo", "v", "active");
    presence.disconnected("demo", "v");
    presence.connected("demo", "v");
    expect(seen).toEqual([["none"], ["active"], [], ["active"]]);
    // One list per change, shared by every reader.
    expect(presence.snapshot("demo")).toBe(presence.snapshot("demo"));
    stop();
    expect(presence.listenerCount("demo")).toBe(0);
  });

  it("keeps of the browser only a language tag and the browser and device families; the latest pages only", () => {
    let now = 0;
    const presence = new PresenceRegistry(() => now, 30_000);
    const userAgent = "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0";
    presence.connected("demo", "v");
    presence.pageView("demo", "v", { url: "https://shop.test/0", title: "", referrer: "", language: "de-CH", userAgent });
    const [v] = presence.list("demo");
    expect(v).toMatchObject({ language: "de-CH", browser: "Firefox", device: "Phone" });
    expect(JSON.stringify(v)).not.toContain("Gecko");
    // a hostile language is not shown; the families stay words of our own
    presence.pageView("demo", "v", { url: "https://shop.test/0", title: "", referrer: "", language: "<img src=x>", userAgent: "<script>" });
    expect(presence.list("demo")[0]).toMatchObject({ browser: "Other", device: "Desktop" });
    expect(presence.list("demo")[0]?.language).toBeUndefined();
    for (let i = 1; i <= 30; i++) {
      now = i * 1_000;
      presence.pageView("demo", "v", { url: `https://shop.test/${i}`, title: `Page ${i}`, referrer: "" });
    }
    const pages = presence.list("demo")[0]?.pages ?? [];
    expect(pages).toHaveLength(MAX_LISTED_PAGES);
    expect(pages.at(-1)).toEqual({ url: "https://shop.test/30", title: "Page 30", at: 30_000 });
    expect(presence.list("demo")[0]?.pagesViewed).toBe(31);
  });
});
