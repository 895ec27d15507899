import { describe, expect, it } from "vitest";
import { effectiveHours, openState } from "./business-hours.js";

// Hours are wall-clock times in the site's IANA zone, daylight saving time included.
const weekdays = { weekly: { mon: ["09:00-17:00"], tue: ["09:00-12:00", "13:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"], fri: ["09:00-15:00"] }, holidays: ["2026-12-24", "2026-12-25"] };
const at = (iso: string) => Date.parse(iso);

describe("business hours", () => {
  it("is open inside a range and closed at its end, in the site's zone (CET = UTC+1 in December)", () => {
    expect(openState(weekdays, "Europe/Berlin", at("2026-12-07T08:00:00Z"))).toEqual({ open: true }); // Mon 09:00 Berlin
    expect(openState(weekdays, "Europe/Berlin", at("2026-12-07T07:59:00Z"))).toEqual({ open: false, opens: { inDays: 0, weekday: "mon", date: "2026-12-07", time: "09:00" } });
    expect(openState(weekdays, "Europe/Berlin", at("2026-12-07T16:00:00Z"))).toMatchObject({ open: false, opens: { inDays: 1, weekday: "tue", time: "09:00" } });
  });

  it("names the next range on a day with a lunch break", () => {
    expect(openState(weekdays, "Europe/Berlin", at("2026-12-08T11:30:00Z"))).toMatchObject({ open: false, opens: { inDays: 0, weekday: "tue", time: "13:00" } });
  });

  it("says Monday at 09:00 on a Saturday, and skips holidays", () => {
    expect(openState(weekdays, "Europe/Berlin", at("2026-12-05T10:00:00Z"))).toMatchObject({ open: false, opens: { inDays: 2, weekday: "mon", date: "2026-12-07", time: "09:00" } });
    // Wed 23 Dec after hours: Thu 24 and Fri 25 are holidays, so Monday 28th.
    expect(openState(weekdays, "Europe/Berlin", at("2026-12-23T18:00:00Z"))).toMatchObject({ open: false, opens: { inDays: 5, weekday: "mon", date: "2026-12-28" } });
  });

  it("follows daylight saving time (CEST = UTC+2 in July) and other zones", () => {
    expect(openState(weekdays, "Europe/Berlin", at("2026-07-06T07:30:00Z")).open).toBe(true); // 09:30 CEST
    expect(openState(weekdays, "America/New_York", at("2026-07-06T07:30:00Z")).open).toBe(false); // 03:30 EDT
  });

  it("is always open without hours, and closed with no opening in sight when no day has hours", () => {
    expect(openState(undefined, "Europe/Berlin", 0)).toEqual({ open: true });
    expect(openState({ weekly: {}, holidays: [] }, "UTC", 0)).toEqual({ open: false });
  });

  it("lets a team's weekly hours replace the site's and adds both sides' holidays", () => {
    const team = { weekly: { sat: ["10:00-14:00"] }, holidays: ["2026-12-26"] };
    expect(effectiveHours(weekdays, team)).toEqual({ weekly: team.weekly, holidays: ["2026-12-24", "2026-12-25", "2026-12-26"] });
    expect(effectiveHours(weekdays, undefined)).toEqual(weekdays);
  });
});
