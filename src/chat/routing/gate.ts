import type { RoutingPolicy } from "../../policy/schema/routing.js";
import type { Storage } from "../../storage/db.js";
import type { Conversation } from "../conversations.js";
import { ChatRefusal } from "../refusal.js";
import type { OpenState } from "./business-hours.js";
import { agentGroups } from "./routing-store.js";
import { destinationFor, siteRouting, teamOpenState, teamsOfGroups, type Destination } from "./teams.js";

/**
 * The routing rules the chat connections enforce, read from the current policy at each use: which
 * team a chat goes to, whether chat is open (business hours), and who may take a team's chat.
 */
export class RoutingGate {
  constructor(
    private readonly policy: () => RoutingPolicy,
    private readonly storage: Pick<Storage, "db">,
    private readonly now: () => number,
  ) {}

  /** Where a new chat goes; undefined for a site without routing. A chosen team the site lacks, or visitors may not pick: `unknown_team`. */
  destination(siteId: string, chosen: string | undefined, pageUrl: string | undefined): Destination | undefined {
    const site = siteRouting(this.policy(), siteId);
    if (!site) {
      if (chosen !== undefined) throw new ChatRefusal("unknown_team", "this site has no teams");
      return undefined;
    }
    if (chosen !== undefined && !Object.hasOwn(site.teams, chosen)) throw new ChatRefusal("unknown_team", "no such team for this site");
    if (chosen !== undefined && site.teams[chosen]?.visitorChoice !== true) throw new ChatRefusal("unknown_team", "visitors may not choose this team");
    return destinationFor(site, chosen, pageUrl);
  }

  openState(siteId: string, team: string | undefined): OpenState {
    return teamOpenState(siteRouting(this.policy(), siteId), team, this.now());
  }

  /** Refuses with `chat_closed` outside the business hours of the site (and team). */
  mustBeOpen(siteId: string, team: string | undefined): void {
    if (!this.openState(siteId, team).open) throw new ChatRefusal("chat_closed", "chat is closed at this hour");
  }

  /** The site's teams (id and name) in policy order; none for a site without routing. */
  teams(siteId: string): { id: string; name: string }[] {
    const site = siteRouting(this.policy(), siteId);
    return site ? Object.entries(site.teams).map(([id, t]) => ({ id, name: t.name })) : [];
  }

  /** The teams a visitor may pick in the widget (`visitorChoice`), in policy order; none unless there are two or more to pick from. */
  visitorChoices(siteId: string): { id: string; name: string }[] {
    const site = siteRouting(this.policy(), siteId);
    const choices = site ? Object.entries(site.teams).flatMap(([id, t]) => (t.visitorChoice ? [{ id, name: t.name }] : [])) : [];
    return choices.length >= 2 ? choices : [];
  }

  /** How long an offer stands before it goes to the next agent, in seconds. */
  offerSeconds(): number {
    return this.policy().offer.timeoutSeconds;
  }

  mustKnowTeam(siteId: string, team: string): void {
    const site = siteRouting(this.policy(), siteId);
    if (!site || !Object.hasOwn(site.teams, team)) throw new ChatRefusal("unknown_team", "no such team for this site");
  }

  /** A chat waiting in a team is taken by that team's agents (supervisors take any). */
  async mustBeInTeam(agent: { agentId: string; roles: readonly string[] }, c: Conversation): Promise<void> {
    const site = siteRouting(this.policy(), c.siteId);
    if (!site || c.team === null || agent.roles.includes("supervisor")) return;
    const groups = (await agentGroups(this.storage.db, [agent.agentId])).get(agent.agentId) ?? [];
    if (!teamsOfGroups(site, groups).includes(c.team)) throw new ChatRefusal("not_in_team", "the chat waits for another team");
  }
}
