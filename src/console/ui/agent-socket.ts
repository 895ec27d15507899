import * as z from "zod/mini";
import { api } from "./api.js";

const ticketSchema = z.object({ ticket: z.string(), expiresAt: z.number() });

/**
 * Opens /ws/agent for a console page: a single-use ticket is fetched over the authenticated
 * session first (the socket itself carries no cookie-based authority), then passed in the URL.
 * The socket is closed when `signal` aborts (the user left the page).
 */
export async function openAgentSocket(signal: AbortSignal): Promise<WebSocket> {
  const { ticket } = await api.post("/api/v1/ws-ticket", {}, ticketSchema);
  const url = new URL("/ws/agent", location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("ticket", ticket);
  const socket = new WebSocket(url);
  signal.addEventListener("abort", () => socket.close(1000, "page left"), { once: true });
  return socket;
}
