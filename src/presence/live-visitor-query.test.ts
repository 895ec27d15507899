import { describe, expect, it } from "vitest";
import { AirlockError } from "../errors.js";
import type { VisitorQuery } from "../protocol/visitor-query.js";
import { ConsoleVisitorQueries } from "./console-visitor-queries.js";
import { LiveVisitorQuery, type VisitorQueryFrame } from "./live-visitor-query.js";
import { PresenceRegistry } from "./registry.js";

const id = (n: number) => `visit-${String(n).padStart(12, "0")}`;
const base: VisitorQuery = { sites: ["demo"], sort: { by: "startedAt", order: "asc" }, offset: 0, limit: 10 };

function site(count: number, now: { t: number }) {
  const presence = new PresenceRegistry(() => now.t, 30_000);
  for (let i = 0; i < count; i++) {
    now.t = 1_000 + i;
    presence.connected("demo", id(i));
    presence.pageView("demo", id(i), { url: `https://shop.test/${i % 3 === 0 ? "checkout" : "home"}/${i}`, title: `Page ${i}`, referrer: "" });
  }
  return presence;
}

function live(presence: PresenceRegistry, query: VisitorQuery, now: { t: number }) {
  const frames: VisitorQueryFrame[] = [];
  const q = new LiveVisitorQuery(presence, "list", query, (f) => frames.push(f), { now: () => now.t, flushMs: 60_000 });
  return { q, frames };
}

describe("the live visitor list as a query", () => {
  it("filters, sorts and pages on the server; the first frame is the page with the total and counts", () => {
    const now = { t: 0 };
    const presence = site(30, now);
    presence.setChat("demo", id(3), "active");
    presence.setCobrowse("demo", id(6), "active");
    const { frames } = live(presence, { ...base, urlContains: "CHECKOUT", sort: { by: "startedAt", order: "desc" }, offset: 2, limit: 3 }, now);
    expect(frames).toHaveLength(1);
    const [page] = frames;
    expect(page).toMatchObject({ kind: "visitors-page", query: "list", offset: 2, total: 10 });
    expect(page?.rows.map((v) => v.visitor)).toEqual([id(21), id(18), id(15)]);
    expect(page?.counts).toEqual({ all: { visitors: 30, chatting: 1, cobrowsing: 1 }, sites: { demo: { visitors: 30, chatting: 1, cobrowsing: 1 } } });
  });

  it("filters on chat and co-browse state and time on site; sorts by pages viewed with the visit id breaking ties", () => {
    const now = { t: 0 };
    const presence = site(6, now);
    presence.setChat("demo", id(1), "queued");
    presence.setChat("demo", id(2), "active");
    presence.pageView("demo", id(4), { url: "https://shop.test/more", title: "", referrer: "" });
    now.t = 1_004 + 60_000;
    const chatting = live(presence, { ...base, chat: ["queued", "active"] }, now);
    expect(chatting.frames[0]?.rows.map((v) => v.visitor)).toEqual([id(1), id(2)]);
    const longest = live(presence, { ...base, minTimeOnSiteMs: 60_000 }, now);
    expect(longest.frames[0]?.rows.map((v) => v.visitor)).toEqual([id(0), id(1), id(2), id(3), id(4)]);
    const byPages = live(presence, { ...base, sort: { by: "pagesViewed", order: "desc" }, limit: 2 }, now);
    expect(byPages.frames[0]?.rows.map((v) => v.visitor)).toEqual([id(4), id(0)]);
    expect(live(presence, { ...base, cobrowse: "active" }, now).frames[0]?.total).toBe(0);
  });

  it("a visible row that changes goes out alone; a change off the page sends counts only when they move, else nothing", () => {
    const now = { t: 0 };
    const presence = site(50, now);
    const { q, frames } = live(presence, { ...base, limit: 5 }, now);
    presence.setChat("demo", id(2), "invited");
    q.flush();
    expect(frames.at(-1)).toMatchObject({ kind: "visitors-change", total: 50 });
    expect(frames.at(-1)?.rows.map((v) => [v.visitor, v.chat])).toEqual([[id(2), "invited"]]);
    // Another visitor's page views, far down the list: nothing for this console.
    const before = frames.length;
    for (let i = 0; i < 20; i++) presence.pageView("demo", id(40), { url: `https://shop.test/deep/${i}`, title: "", referrer: "" });
    q.flush();
    expect(frames.length).toBe(before);
    // A chat starting off the page moves the counts: one frame with no rows.
    presence.setChat("demo", id(41), "active");
    q.flush();
    expect(frames.at(-1)).toMatchObject({ kind: "visitors-change", rows: [], counts: { all: { chatting: 1 } } });
  });

  it("a visitor arriving on the page or leaving it sends the page again; many changes in one window make one frame", () => {
    const now = { t: 0 };
    const presence = site(3, now);
    const { q, frames } = live(presence, { ...base, sort: { by: "startedAt", order: "desc" }, limit: 2 }, now);
    now.t = 9_000;
    presence.connected("demo", id(99));
    presence.pageView("demo", id(99), { url: "https://shop.test/", title: "New", referrer: "" });
    presence.setChat("demo", id(99), "queued");
    q.flush();
    expect(frames.map((f) => f.kind)).toEqual(["visitors-page", "visitors-page"]);
    expect(frames.at(-1)?.rows.map((v) => v.visitor)).toEqual([id(99), id(2)]);
    presence.disconnected("demo", id(99));
    q.flush();
    expect(frames.at(-1)?.rows.map((v) => v.visitor)).toEqual([id(2), id(1)]);
    q.stop();
    expect(presence.listenerCount("demo")).toBe(0);
  });

  it("a console holds a bounded number of queries; a refused one (page too large, a site it may not see, one too many) subscribes nothing", () => {
    const presence = new PresenceRegistry();
    const frames: VisitorQueryFrame[] = [];
    const queries = new ConsoleVisitorQueries(presence, (s) => s === "demo", (f) => frames.push(f));
    const code = (f: () => void) => {
      try {
        f();
      } catch (err) {
        return err instanceof AirlockError ? err.code : String(err);
      }
      return "accepted";
    };
    expect(code(() => queries.start("list", { ...base, limit: 101 }))).toBe("page_too_large");
    expect(code(() => queries.start("list", { ...base, sites: ["demo", "bank-b"] }))).toBe("forbidden");
    expect(presence.listenerCount("demo")).toBe(0);
    for (const name of ["a", "b", "c", "d"]) expect(code(() => queries.start(name, base))).toBe("accepted");
    expect(code(() => queries.start("e", base))).toBe("too_many_queries");
    // Replacing a query by its name is no new one; a refused replacement keeps the old query running.
    expect(code(() => queries.start("a", { ...base, limit: 5 }))).toBe("accepted");
    expect(code(() => queries.start("a", { ...base, limit: 500 }))).toBe("page_too_large");
    expect(presence.listenerCount("demo")).toBe(4);
    queries.stop("a");
    queries.stop("a");
    expect(presence.listenerCount("demo")).toBe(3);
    queries.close();
    expect(presence.listenerCount("demo")).toBe(0);
    expect(frames.every((f) => f.kind === "visitors-page")).toBe(true);
  });
});
