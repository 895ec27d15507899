import type { RoutingPolicy, SiteRouting } from "../../policy/schema/routing.js";
import { effectiveHours, openState, type OpenState } from "./business-hours.js";

/** Where a new chat goes: its team and the skills preferred in the agent who takes it. */
export interface Destination {
  readonly team: string;
  readonly skills: readonly string[];
}

/** The path of a page URL, or undefined when it is not a URL. */
function pathOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

/**
 * The team the visitor chose (when the site has it), else the first page rule whose prefix the
 * page's path starts with, else the site's default team.
 */
export function destinationFor(site: SiteRouting, chosen: string | undefined, pageUrl: string | undefined): Destination {
  if (chosen !== undefined && Object.hasOwn(site.teams, chosen)) return { team: chosen, skills: [] };
  const path = pathOf(pageUrl);
  const rule = path === undefined ? undefined : site.pageRules.find((r) => path.startsWith(r.prefix));
  return rule ? { team: rule.team, skills: rule.skills } : { team: site.defaultTeam, skills: [] };
}

/** The teams of the site an agent with these IdP groups belongs to. */
export function teamsOfGroups(site: SiteRouting, groups: readonly string[]): string[] {
  return Object.entries(site.teams)
    .filter(([, t]) => t.groups.some((g) => groups.includes(g)))
    .map(([id]) => id);
}

export function skillsOfGroups(policy: RoutingPolicy, groups: readonly string[]): Set<string> {
  const skills = new Set<string>();
  for (const g of groups) if (Object.hasOwn(policy.skillGroups, g)) for (const s of policy.skillGroups[g] ?? []) skills.add(s);
  return skills;
}

/** Whether chat is open for a team of a site now (a site without routing is always open). */
export function teamOpenState(site: SiteRouting | undefined, team: string | undefined, now: number): OpenState {
  if (!site) return { open: true };
  const teamHours = team !== undefined && Object.hasOwn(site.teams, team) ? site.teams[team]?.hours : undefined;
  return openState(effectiveHours(site.hours, teamHours), site.timeZone, now);
}

export function siteRouting(policy: RoutingPolicy, siteId: string): SiteRouting | undefined {
  return Object.hasOwn(policy.sites, siteId) ? policy.sites[siteId] : undefined;
}
