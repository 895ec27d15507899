import type { Kysely } from "kysely";
import { sealRatingComment, openRatingComment } from "../crypto/file-box.js";
import { AirlockError } from "../errors.js";
import { MAX_RATING_COMMENT_CHARS } from "../protocol/chat-frames.js";
import type { Database } from "../storage/schema.js";
import type { ConversationKeys } from "./conversation-keys.js";
import { lockConversation } from "./conversations.js";
import { cleanMessageText } from "./message-text.js";
import { participationOf, type ChatActor } from "./participation.js";
import { ChatRefusal } from "./refusal.js";
import type { ChatService } from "./service.js";

export interface Rating {
  readonly score: number;
  readonly comment?: string;
}

/**
 * The visitor's satisfaction rating of an ended chat: once per conversation (the table's primary
 * key refuses a second, also when two arrive at once), by the visit that had the chat only, with
 * the comment cleaned like a message and encrypted under the conversation's data key. Stored with
 * the agent who handled the chat at its end, for supervisors' figures.
 */
export async function rateConversation(chat: ChatService, actor: Extract<ChatActor, { kind: "visitor" }>, conversationId: string, rating: Rating, now: number): Promise<void> {
  const comment = rating.comment === undefined || rating.comment.trim() === "" ? undefined : cleanComment(rating.comment);
  const rated = await chat.transaction(async (trx) => {
    const c = await lockConversation(trx, chat.storage.dialect, conversationId);
    if (!(await participationOf(trx, actor, c))) throw new AirlockError("not_found", "no such conversation");
    if (c.state !== "ended") throw new ChatRefusal("not_ended", "a chat can be rated once it has ended");
    const sealed = comment === undefined ? null : sealRatingComment(await chat.keys.keyFor(conversationId), conversationId, comment);
    const inserted = await trx
      .insertInto("chat_rating")
      .values({ conversation_id: conversationId, site_id: c.siteId, agent_id: c.assignedAgentId, score: rating.score, comment: sealed, created_at: now })
      .onConflict((oc) => oc.column("conversation_id").doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) throw new ChatRefusal("already_rated", "this chat has already been rated");
    return c;
  });
  chat.events.emit({ kind: "rating", conversationId, siteId: rated.siteId, agentId: rated.assignedAgentId, score: rating.score, at: now });
}

function cleanComment(raw: string): string {
  const tooLong = () => new AirlockError("value_too_long", `a rating comment has at most ${MAX_RATING_COMMENT_CHARS} characters`);
  if (raw.length > MAX_RATING_COMMENT_CHARS * 2) throw tooLong();
  const text = cleanMessageText(raw);
  if ([...text].length > MAX_RATING_COMMENT_CHARS) throw tooLong();
  return text;
}

/** Figures of one group of ratings: how many, the mean score, and how many of each score 1-5. */
export interface RatingFigures {
  readonly count: number;
  readonly average: number;
  readonly scores: readonly [number, number, number, number, number];
}

export interface RatingSummary {
  readonly from: number;
  readonly to: number;
  readonly sites: readonly ({ readonly site: string } & RatingFigures)[];
  readonly agents: readonly ({ readonly agentId: string | null } & RatingFigures)[];
  /** Per team of the conversation as routed (routing.yaml), per site: team ids are the site's own. Null: the site routes without teams. */
  readonly teams: readonly ({ readonly site: string; readonly team: string | null } & RatingFigures)[];
}

/** Supervisors' view: ratings given in [from, to), per site, per agent and per team. Scores only: comments are read with the transcript (audited). */
export async function ratingSummary(db: Kysely<Database>, period: { from: number; to: number; siteId?: string }): Promise<RatingSummary> {
  // A rating goes with its conversation (erasure, retention), so the conversation's team is there to read.
  let q = db
    .selectFrom("chat_rating as r")
    .leftJoin("chat_conversation as c", "c.id", "r.conversation_id")
    .select(["r.site_id as site_id", "r.agent_id as agent_id", "r.score as score", "c.team as team"])
    .where("r.created_at", ">=", period.from)
    .where("r.created_at", "<", period.to);
  if (period.siteId !== undefined) q = q.where("r.site_id", "=", period.siteId);
  const rows = await q.execute();
  const group = <K>(key: (r: (typeof rows)[number]) => K) => {
    const out = new Map<K, number[]>();
    for (const r of rows) {
      const list = out.get(key(r)) ?? [];
      list.push(Number(r.score));
      out.set(key(r), list);
    }
    return out;
  };
  return {
    from: period.from,
    to: period.to,
    sites: [...group((r) => r.site_id)].map(([site, scores]) => ({ site, ...figures(scores) })),
    agents: [...group((r) => r.agent_id)].map(([agentId, scores]) => ({ agentId, ...figures(scores) })),
    teams: [...group((r) => JSON.stringify([r.site_id, r.team ?? null]))].map(([key, scores]) => {
      const [site, team] = JSON.parse(key) as [string, string | null];
      return { site, team, ...figures(scores) };
    }),
  };
}

function figures(scores: readonly number[]): RatingFigures {
  const counts: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  for (const s of scores) counts[s - 1] = (counts[s - 1] ?? 0) + 1;
  const sum = scores.reduce((a, b) => a + b, 0);
  return { count: scores.length, average: scores.length ? Math.round((sum / scores.length) * 100) / 100 : 0, scores: counts };
}

/** The rating of one conversation with its comment decrypted (for the audited transcript read). */
export async function ratingOf(db: Kysely<Database>, keys: ConversationKeys, conversationId: string): Promise<Rating | undefined> {
  const row = await db.selectFrom("chat_rating").select(["score", "comment"]).where("conversation_id", "=", conversationId).executeTakeFirst();
  if (!row) return undefined;
  const score = Number(row.score);
  return row.comment === null ? { score } : { score, comment: openRatingComment(await keys.keyFor(conversationId), conversationId, row.comment) };
}
