import type { ChatInviteStatusFrame, PresenceVisitor } from "../../../protocol/chat-frames.js";

type InviteStatus = ChatInviteStatusFrame["status"];

const said: Record<InviteStatus, string> = {
  sent: "Invitation sent",
  delivered: "Invitation shown to the visitor",
  accepted: "Invitation accepted",
  declined: "Invitation declined",
};

/**
 * Where this agent's invitations stand, per visitor of the live list: sent, shown by the widget,
 * accepted or declined (the server tells every console of the inviting agent). A visitor who is
 * not chatting can be invited again.
 */
export class InviteStatuses {
  readonly #byVisitor = new Map<string, InviteStatus>();

  update(f: ChatInviteStatusFrame): void {
    this.#byVisitor.set(f.visitor, f.status);
  }

  /** Whether the visitor just accepted this agent's invitation (answered once: the chat then opens). */
  takeAccepted(visitor: string): boolean {
    if (this.#byVisitor.get(visitor) !== "accepted") return false;
    this.#byVisitor.delete(visitor);
    return true;
  }

  /** What the Chat column says for the visitor. */
  describe(v: PresenceVisitor): string {
    const status = this.#byVisitor.get(v.visitor);
    if (status && (v.chat === "none" || v.chat === "invited" || status === "accepted")) return said[status];
    return v.chat === "invited" ? "Invited" : v.chat;
  }

  /** The invite button's label, or undefined while the visitor chats (or waits for an agent). */
  inviteLabel(v: PresenceVisitor): string | undefined {
    if (v.chat !== "none" && v.chat !== "ended" && v.chat !== "invited") return undefined;
    return this.#byVisitor.has(v.visitor) || v.chat === "invited" ? "Invite again" : "Invite to chat";
  }
}
