import { z } from "zod";
import { asvsRefs, policyVersion } from "./asvs.js";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** "09:00-17:30": start and end on the same day, 24-hour clock, end after start ("24:00" ends the day). */
const RANGE = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

/** Minutes after midnight of a range's start and end; undefined when malformed. */
export function parseRange(range: string): { start: number; end: number } | undefined {
  const m = RANGE.exec(range);
  if (!m) return undefined;
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  return end <= 24 * 60 ? { start, end } : undefined;
}

const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { error: (i) => `unknown IANA time zone: ${String(i.input)} (write e.g. Europe/Berlin)` },
);

const dayRanges = z.array(z.string()).superRefine((ranges, ctx) => {
  const parsed: { text: string; start: number; end: number }[] = [];
  ranges.forEach((text, i) => {
    const r = parseRange(text);
    if (!r) return ctx.addIssue({ code: "custom", path: [i], message: `not a time range HH:MM-HH:MM: ${text}` });
    if (r.end <= r.start) return ctx.addIssue({ code: "custom", path: [i], message: `a range ends after it starts: ${text}` });
    const clash = parsed.find((p) => r.start < p.end && p.start < r.end);
    if (clash) return ctx.addIssue({ code: "custom", path: [i], message: `overlapping ranges: ${clash.text} and ${text}` });
    parsed.push({ text, ...r });
  });
});

const holiday = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "holidays are dates YYYY-MM-DD");

/** Opening hours per weekday (a missing day is closed) and closed dates, in the site's time zone. */
const hours = z.strictObject({
  weekly: z.partialRecord(z.enum(WEEKDAYS), dayRanges),
  holidays: z.array(holiday).default([]),
});

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "team ids are lowercase words joined by dashes");

const team = z.strictObject({
  name: z.string().min(1).max(80),
  /** IdP groups whose agents belong to the team (as access.yaml maps groups to roles). */
  groups: z.array(z.string().min(1)).min(1),
  /** Concurrent chats an agent of this team takes at most. */
  maxConcurrentChats: z.number().int().min(1).max(20),
  /** The team's own hours, when they differ from the site's. */
  hours: hours.optional(),
  /** Visitors may pick this team in the widget before a chat starts (shown when two or more teams may be picked). */
  visitorChoice: z.boolean().default(false),
});

/** Pages whose path starts with `prefix` go to `team`; agents with every skill listed are preferred. */
const pageRule = z.strictObject({
  prefix: z.string().regex(/^\/[^\s?#]*$/, "a page rule's prefix is a URL path starting with /").max(200),
  team: id,
  skills: z.array(id).default([]),
});

const site = z.strictObject({
  timeZone,
  /** Absent: chat is open at any hour. */
  hours: hours.optional(),
  teams: z.record(id, team),
  /** Where a chat goes when neither the visitor nor a page rule chose a team. */
  defaultTeam: id,
  pageRules: z.array(pageRule).default([]),
  asvs: asvsRefs,
});

export const routingSchema = z.strictObject({
  version: policyVersion,
  offer: z.strictObject({
    /** An offered chat the agent has not accepted by then goes to the next agent. */
    timeoutSeconds: z.number().int().min(5).max(600),
    asvs: asvsRefs,
  }),
  /** IdP group → skills its agents have (page rules prefer agents with the skills they name). */
  skillGroups: z.record(z.string().min(1), z.array(id)).default({}),
  /** Sites not listed route to every available agent of the site, at any hour. */
  sites: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "site ids are lowercase words joined by dashes"), site).default({}),
});

export type RoutingPolicy = z.output<typeof routingSchema>;
export type SiteRouting = z.output<typeof site>;
export type TeamPolicy = z.output<typeof team>;
export type HoursPolicy = z.output<typeof hours>;
