import type { VisitorContext } from "../context.js";
import { guard } from "../safe.js";
import type { VisitorChannel } from "./channel.js";
import { ChatWidget } from "./chat-widget.js";

export type { VisitorChannel } from "./channel.js";
export { readChatFrame } from "./channel.js";

/**
 * Mounts the chat widget on the visitor script's shared connection. Errors stay inside the
 * widget (`guard`): a failure never breaks the host page or co-browsing.
 */
export function mountChatWidget(ctx: Pick<VisitorContext, "ui"> & Partial<Pick<VisitorContext, "airlockOrigin">>, channel: VisitorChannel): void {
  guard(() => void new ChatWidget(ctx.ui(), channel, ctx.airlockOrigin))();
}
