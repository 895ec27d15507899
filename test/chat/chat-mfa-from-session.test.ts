import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { authorizeAgentFrame } from "../../src/chat/authorize-frame.js";
import { AirlockError } from "../../src/errors.js";
import { PolicyEngine } from "../../src/policy/engine.js";
import { shippedPolicyDir } from "../../src/policy/load.js";
import { agentChatMessage } from "../../src/protocol/chat-messages.js";
import type { Storage } from "../../src/storage/db.js";
import { beforeAll, describeEachDialect } from "../helpers/dialects.js";

// A chat frame's decision takes the agent's second factor from the agent's login session (the
// socket's principal), like every other agent decision — it is never assumed satisfied.

const policy = PolicyEngine.load({ shippedDir: shippedPolicyDir, mode: "dev" });
const agent = (mfa: boolean) => ({ agentId: randomUUID(), roles: ["agent"], mfa, sourceAddress: "127.0.0.1" });

async function refusal(run: Promise<unknown>): Promise<{ code: string; message: string } | undefined> {
  try {
    await run;
    return undefined;
  } catch (err) {
    if (!(err instanceof AirlockError)) throw err;
    return { code: err.code, message: err.message };
  }
}

describeEachDialect("chat frames and the session's second factor", (fx) => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await fx.open();
  });

  it("a frame naming no conversation is refused (session.mfa) while the second factor is pending, allowed once it is satisfied", async () => {
    const frame = agentChatMessage.parse({ kind: "watch-site", site: "demo" });
    expect(await refusal(authorizeAgentFrame({ storage, policy }, agent(false), frame))).toEqual({ code: "forbidden", message: "not allowed (session.mfa)" });
    expect(await refusal(authorizeAgentFrame({ storage, policy }, agent(true), frame))).toBeUndefined();
  });

  it("a frame naming a conversation is refused by the second factor before anything about the conversation is answered", async () => {
    const frame = agentChatMessage.parse({ kind: "chat-accept", conversation: randomUUID() });
    expect(await refusal(authorizeAgentFrame({ storage, policy }, agent(false), frame))).toEqual({ code: "forbidden", message: "not allowed (session.mfa)" });
    expect((await refusal(authorizeAgentFrame({ storage, policy }, agent(true), frame)))?.code).toBe("not_found");
  });
});
