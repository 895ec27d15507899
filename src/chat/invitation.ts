/** An agent's invitation to chat: its id, optional text, and who sent it (the chat goes to them on acceptance). */
export interface Invitation {
  readonly id: string;
  readonly text: string;
  readonly agentId: string;
  readonly agentName?: string;
}

/** Where an agent's invitation goes: true when some connection of the visit will show it. */
export interface Invitations {
  invite(siteId: string, visitorId: string, invitation: Invitation): boolean;
}
