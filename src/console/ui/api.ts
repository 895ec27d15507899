import type * as z from "zod/mini";

// The console's only way to talk to the server: same-origin JSON over the session cookie.
// Every answer is parsed by a schema before a page sees it; failures become ApiError with the
// server's stable error code (src/errors.ts).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type Listener = (error: ApiError) => void;
const unauthenticatedListeners = new Set<Listener>();

/** Called whenever the server says the session ended (logout, timeout, an admin, the IdP). */
export function onUnauthenticated(listener: Listener): void {
  unauthenticatedListeners.add(listener);
}

async function request(method: string, path: string, body?: unknown): Promise<unknown> {
  const init: RequestInit = { method, credentials: "same-origin", headers: { accept: "application/json" } };
  if (body !== undefined) {
    init.headers = { accept: "application/json", "content-type": "application/json" };
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, "network", "Airlock could not be reached. Check your connection and try again.");
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      throw new ApiError(res.status, "bad_response", "The server sent an answer the console does not understand.");
    }
  }
  if (!res.ok) {
    const error = errorOf(res.status, data);
    if (sessionGone(error)) for (const listener of unauthenticatedListeners) listener(error);
    throw error;
  }
  return data;
}

/** The server closed an agent socket because the account was deactivated: the session is gone too. */
export function reportAccountDeactivated(): void {
  const error = new ApiError(403, "account_deactivated", "account deactivated");
  for (const listener of unauthenticatedListeners) listener(error);
}

/**
 * A 401 means the session is gone unless it names another reason: a wrong TOTP or recovery code
 * is also a 401 (`totp_invalid`, `totp_replayed`…) and must not sign the agent out.
 */
function sessionGone(error: ApiError): boolean {
  const reason = error.details.reason;
  return error.status === 401 && (reason === undefined || reason === "no_session");
}

function errorOf(status: number, data: unknown): ApiError {
  const e = (data as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  const code = typeof e?.code === "string" ? e.code : "http_" + status;
  const message = typeof e?.message === "string" ? e.message : `The server answered ${status}.`;
  const details = e?.details && typeof e.details === "object" ? (e.details as Record<string, unknown>) : {};
  return new ApiError(status, code, message, details);
}

function parsed<S extends z.ZodMiniType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw new ApiError(200, "bad_response", "The server sent an answer the console does not understand.");
  return result.data;
}

export const api = {
  async get<S extends z.ZodMiniType>(path: string, schema: S): Promise<z.infer<S>> {
    return parsed(schema, await request("GET", path));
  },
  async post<S extends z.ZodMiniType>(path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    return parsed(schema, await request("POST", path, body));
  },
  /** A PUT whose answer has no body (204). */
  async put(path: string, body: unknown): Promise<void> {
    await request("PUT", path, body);
  },
  async delete(path: string): Promise<void> {
    await request("DELETE", path);
  },
};
