import * as z from "zod/mini";
import { api, reportAccountDeactivated } from "./api.js";
import { NORMAL_CLOSE } from "../../protocol/error-codes.js";

const ticketSchema = z.object({ ticket: z.string(), expiresAt: z.number() });

/**
 * Opens /ws/agent for a console page: a single-use ticket is fetched over the authenticated
 * session first (the socket itself carries no cookie-based authority), then passed in the URL.
 * The caller closes the socket; `openAgentSocket` does that when the page is left.
 */
export async function connectAgentSocket(): Promise<WebSocket> {
  const { ticket } = await api.post("/api/v1/ws-ticket", {}, ticketSchema);
  const url = new URL("/ws/agent", location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("ticket", ticket);
  const socket = new WebSocket(url);
  // The IdP deactivated this agent (SCIM): every page learns it from whichever socket hears it first.
  socket.addEventListener("close", (e) => {
    if (e.reason === "account_deactivated") reportAccountDeactivated();
  });
  return socket;
}

/** `connectAgentSocket`, closed when `signal` aborts (the user left the page), also if that happened while connecting. */
export async function openAgentSocket(signal: AbortSignal): Promise<WebSocket> {
  const socket = await connectAgentSocket();
  const close = () => socket.close(NORMAL_CLOSE, "page left");
  if (signal.aborted) close();
  signal.addEventListener("abort", close, { once: true });
  // A reconnecting page opens many sockets under one signal: forget each one once it is closed.
  socket.addEventListener("close", () => signal.removeEventListener("abort", close), { once: true });
  return socket;
}
