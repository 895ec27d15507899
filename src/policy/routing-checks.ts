import type { Policy } from "./schema/index.js";
import type { FieldPath } from "./yaml-locate.js";

/** routing.yaml's references: each site is registered in sites.yaml, each team named exists. */
export function routingIssues(policy: Policy, at: (path: FieldPath, message: string) => void): void {
  for (const [siteId, site] of Object.entries(policy.routing.sites)) {
    if (!Object.hasOwn(policy.sites.sites, siteId)) at(["sites", siteId], `routing for a site sites.yaml does not register: ${siteId}`);
    const known = (team: string) => Object.hasOwn(site.teams, team);
    if (!known(site.defaultTeam)) at(["sites", siteId, "defaultTeam"], `unknown team: ${site.defaultTeam} (teams are ${Object.keys(site.teams).join(", ") || "none"})`);
    site.pageRules.forEach((rule, i) => {
      if (!known(rule.team)) at(["sites", siteId, "pageRules", i, "team"], `unknown team: ${rule.team}`);
    });
  }
}
