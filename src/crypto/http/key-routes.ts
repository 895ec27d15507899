import { z } from "zod";
import { recordAudit } from "../../audit/trail.js";
import { AirlockError } from "../../errors.js";
import { defineRoute, type RouteDef } from "../../http/route.js";
import { principalFromState } from "../../policy/principal.js";
import { keyIdsIn, writableKeyFile } from "../key-file.js";
import { ReloadingKeyRing } from "../key-ring.js";
import { rotateMasterKey } from "../rotation.js";

// The key vault for administrators (keys:manage), as `airlock keys status` and `keys rotate`
// offer it on the command line. Key ids and counts only: key material never leaves the server.

/** GET /api/v1/keys: master key ids (the last is current), how many data keys each wraps, and whether Airlock manages the key file. */
export const keyVaultStatus = defineRoute({
  method: "GET",
  path: "/api/v1/keys",
  access: { action: "keys:manage", routineRead: true },
  handler: async (ctx, { config, chat }) => {
    const file = writableKeyFile(config);
    const current = chat.keys.ring.current.id;
    const counts = await chat.keys.vault.countByMasterKey();
    const ids = file ? keyIdsIn(file) : [current];
    // A key still wrapping data keys but gone from the file (an inline key replaced) is listed too.
    for (const id of Object.keys(counts)) if (!ids.includes(id)) ids.unshift(id);
    ctx.set("Cache-Control", "no-store");
    ctx.body = {
      current,
      managedByAirlock: file !== undefined,
      keys: ids.map((id) => ({ id, current: id === current, dataKeys: counts[id] ?? 0 })),
      dataKeys: Object.values(counts).reduce((a, b) => a + b, 0),
    };
  },
});

/**
 * POST /api/v1/keys/rotate: adds a new master key and re-wraps every data key under it while
 * Airlock keeps serving (src/crypto/rotation.ts). The outcome is audited (`keys.rotate`) next to
 * the guard's entry for the permission.
 */
export const rotateKeys = defineRoute({
  method: "POST",
  path: "/api/v1/keys/rotate",
  access: { action: "keys:manage" },
  body: z.strictObject({}),
  handler: async (ctx, { config, chat, storage }) => {
    const actor = principalFromState(ctx.state);
    if (!actor) throw new AirlockError("unauthenticated", "sign in first");
    const outcome = await rotateMasterKey(config, chat.keys.vault, Date.now());
    // The running ring notices the changed key file on its own; reload now so this answer and the next status agree.
    if (chat.keys.ring instanceof ReloadingKeyRing) chat.keys.ring.reload();
    await recordAudit(storage.db, {
      actor: `agent:${actor.subject}`,
      action: "keys.rotate",
      target: `master-key:${outcome.currentKeyId}`,
      decision: "success",
      sourceAddress: ctx.ip || null,
    });
    ctx.body = outcome;
  },
});

export const keyRoutes: readonly RouteDef<unknown>[] = [keyVaultStatus, rotateKeys] as readonly RouteDef<unknown>[];
