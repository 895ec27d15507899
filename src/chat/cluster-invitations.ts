import { z } from "zod";
import { CHANNEL_PREFIX, type Bus } from "../bus/bus.js";
import type { Invitation, Invitations } from "./invitation.js";
import type { VisitorDirectory } from "./visitor-directory.js";

const CHANNEL = `${CHANNEL_PREFIX}chat:invitations`;

const invitation = z.strictObject({
  site: z.string().min(1).max(64),
  visitor: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  id: z.string().min(8).max(64),
  text: z.string().max(300),
  agentId: z.string().min(1).max(64),
  agentName: z.string().max(255).optional(),
});

/**
 * Agents' chat invitations across replicas: the live visitor list shows visitors connected to any
 * replica, so an invitation for a visit this replica does not hold goes over the bus to the one
 * that does (if the list knows the visit at all). Pub/sub only; nothing is kept.
 */
export class ClusterInvitations implements Invitations {
  #unsubscribe: (() => void) | undefined;

  private constructor(
    private readonly bus: Bus,
    private readonly local: VisitorDirectory,
    private readonly listed: (siteId: string, visitorId: string) => boolean,
  ) {}

  static async start(bus: Bus, local: VisitorDirectory, listed: (siteId: string, visitorId: string) => boolean): Promise<ClusterInvitations> {
    const invitations = new ClusterInvitations(bus, local, listed);
    invitations.#unsubscribe = await bus.subscribe(CHANNEL, (text) => invitations.#receive(text));
    return invitations;
  }

  invite(siteId: string, visitorId: string, inv: Invitation): boolean {
    if (this.local.invite(siteId, visitorId, inv)) return true;
    if (!this.listed(siteId, visitorId)) return false;
    this.bus.publish(CHANNEL, JSON.stringify({ site: siteId, visitor: visitorId, ...inv } satisfies z.infer<typeof invitation>));
    return true;
  }

  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #receive(text: string): void {
    let m: z.infer<typeof invitation>;
    try {
      m = invitation.parse(JSON.parse(text));
    } catch {
      return; // not ours to trust: ignored
    }
    const { site, visitor, ...inv } = m;
    this.local.invite(site, visitor, inv);
  }
}
