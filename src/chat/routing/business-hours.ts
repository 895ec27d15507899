import { parseRange, WEEKDAYS, type HoursPolicy, type Weekday } from "../../policy/schema/routing.js";

/** When chat next opens, in the site's time zone: in how many days, that day's weekday, and the time. */
export interface Opening {
  readonly inDays: number;
  readonly weekday: Weekday;
  /** "YYYY-MM-DD" in the site's time zone. */
  readonly date: string;
  readonly time: string;
}

export type OpenState = { readonly open: true } | { readonly open: false; readonly opens?: Opening };

/** The hours that apply: a team's own weekly hours replace the site's; closed dates of both count. */
export function effectiveHours(site: HoursPolicy | undefined, team: HoursPolicy | undefined): HoursPolicy | undefined {
  const weekly = team?.weekly ?? site?.weekly;
  if (!weekly) return undefined;
  return { weekly, holidays: [...(site?.holidays ?? []), ...(team?.holidays ?? [])] };
}

interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date and time in `timeZone` at `now` (Intl: no time zone data of our own). */
function localTime(timeZone: string, now: number): LocalTime {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })));
  const parts = Object.fromEntries(f.formatToParts(new Date(now)).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** Calendar arithmetic on a local date (UTC is only a vehicle: no zone is involved). */
function dayAfter(t: LocalTime, days: number): { date: string; weekday: Weekday } {
  const d = new Date(Date.UTC(t.year, t.month - 1, t.day + days));
  const weekday = WEEKDAYS[(d.getUTCDay() + 6) % 7] ?? "mon";
  return { date: d.toISOString().slice(0, 10), weekday };
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/** Whether chat is open at `now`, and if not, when it opens next (within two weeks). Absent hours: always open. */
export function openState(hours: HoursPolicy | undefined, timeZone: string, now: number): OpenState {
  if (!hours) return { open: true };
  const local = localTime(timeZone, now);
  const closed = new Set(hours.holidays);
  for (let inDays = 0; inDays < 15; inDays++) {
    const { date, weekday } = dayAfter(local, inDays);
    if (closed.has(date)) continue;
    const ranges = (hours.weekly[weekday] ?? []).map(parseRange).filter((r) => r !== undefined).sort((a, b) => a.start - b.start);
    for (const r of ranges) {
      if (inDays === 0 && r.start <= local.minutes && local.minutes < r.end) return { open: true };
      if (inDays > 0 || r.start > local.minutes) return { open: false, opens: { inDays, weekday, date, time: hhmm(r.start) } };
    }
  }
  return { open: false };
}
