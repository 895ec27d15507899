import type { ChatServerFrame } from "../protocol/chat-frames.js";
import { guard } from "./safe.js";
import { readChatFrame, type VisitorChannel } from "./widget/channel.js";

/**
 * The features' share of the visitor script's one /ws/visitor connection (the co-browse session
 * owns the socket). Features get chat frames only, may send once the server has welcomed this
 * connection, and hear about every welcome (first connect, reconnect, next page).
 */
export class FeatureChannel implements VisitorChannel {
  #send: ((frame: object) => boolean) | undefined;
  #welcomed = false;
  readonly #frameListeners: ((frame: ChatServerFrame) => void)[] = [];
  readonly #openListeners: (() => void)[] = [];
  readonly #closeListeners: ((reason: string) => void)[] = [];

  /** The connection plugs in its sender (again after it has been replaced). */
  attach(send: (frame: object) => boolean): void {
    this.#send = send;
    this.#welcomed = false;
  }

  welcomed(): void {
    this.#welcomed = true;
    for (const listener of this.#openListeners) guard(listener)();
  }

  closed(reason = ""): void {
    this.#welcomed = false;
    for (const listener of this.#closeListeners) guard(listener)(reason);
  }

  /** A frame the co-browse session does not handle itself. */
  receive(data: unknown): void {
    const frame = readChatFrame(data);
    if (frame) for (const listener of this.#frameListeners) guard(listener)(frame);
  }

  send(frame: object): boolean {
    return this.#welcomed && this.#send !== undefined && this.#send(frame);
  }

  onFrame(listener: (frame: ChatServerFrame) => void): void {
    this.#frameListeners.push(listener);
  }

  onOpen(listener: () => void): void {
    this.#openListeners.push(listener);
  }

  onClose(listener: (reason: string) => void): void {
    this.#closeListeners.push(listener);
  }
}
