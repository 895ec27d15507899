import type { Feature } from "./context.js";

// Verified visitors: the site's backend signs a short-lived token naming its signed-in customer
// and hands it to this script, either on the embed tag (`data-identity-token="…"`) or by calling
// `Airlock.identify(token)`. The script only carries the token to Airlock; Airlock checks it, and
// agents see the customer only when it verified. Nothing the page says about itself counts.

/** Longest token the script forwards (the server refuses longer ones too). */
const MAX_TOKEN_CHARS = 4096;

export interface AirlockApi {
  /** Resolves true once Airlock verified the token, false when it refused it (the console says why). */
  identify(token: string): Promise<boolean>;
}

export const identity: Feature = (ctx) => {
  let pending: { token: string; answer: (verified: boolean) => void } | undefined;
  let waiting: ((verified: boolean) => void) | undefined;

  const flush = (): void => {
    if (!pending || waiting) return;
    const { token, answer } = pending;
    if (!ctx.channel.send({ kind: "identify", token })) return;
    // A token is single-use: once sent it is never sent again, whatever happens to the connection.
    pending = undefined;
    waiting = answer;
  };

  ctx.channel.onOpen(flush);
  ctx.channel.onClose(() => {
    waiting?.(false);
    waiting = undefined;
  });
  ctx.channel.onFrame((frame) => {
    if (frame.kind === "chat-identity") {
      waiting?.(true);
      waiting = undefined;
      flush();
    } else if (frame.kind === "chat-error" && frame.ref === "identify") {
      try {
        console.warn(`Airlock: the visitor identity token was refused (${frame.code})`);
      } catch {
        // a page may have replaced console
      }
      waiting?.(false);
      waiting = undefined;
      flush();
    }
  });

  const identify = (token: unknown): Promise<boolean> =>
    new Promise((resolve) => {
      if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN_CHARS) return resolve(false);
      pending?.answer(false); // a newer token replaces one not sent yet
      pending = { token, answer: resolve };
      flush();
    });

  const api: AirlockApi = Object.freeze({ identify: (token: string) => identify(token) });
  const scope = globalThis as { Airlock?: AirlockApi };
  if (scope.Airlock === undefined) Object.defineProperty(globalThis, "Airlock", { value: api, writable: false, configurable: false, enumerable: false });
  if (ctx.identityToken) void identify(ctx.identityToken);
};
