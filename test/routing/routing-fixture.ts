// What the routing tests share: an agent with IdP groups stored as a login leaves it, and a
// bounded wait for what a router's timers do after the manual clock moved.
import { randomUUID } from "node:crypto";
import type { Storage } from "../../src/storage/db.js";

export async function addAgent(storage: Storage, groups: string[]): Promise<string> {
  const id = randomUUID();
  await storage.db.insertInto("agent").values({ id, issuer: "https://idp.test", subject: id, display_name: id.slice(0, 8), email: null, groups_json: JSON.stringify(groups), created_at: 0, last_login_at: 0 }).execute();
  return id;
}

/** Until `check` passes, retried every 10 ms for at most 2 s. */
export async function eventually(check: () => void | Promise<void>): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      return await check();
    } catch (err) {
      if (i > 200) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
