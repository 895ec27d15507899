import { Redis } from "ioredis";
import type { Logger } from "../../ops/log.js";
import { CHANNEL_PREFIX } from "../../bus/bus.js";
import { redisConnectionOptions, type RedisSettings } from "../../bus/redis-connection.js";
import { redisFailureCode } from "../../bus/redis-failure.js";
import { readVisitData, tokenHash, type SharedVisit, type VisitStore } from "./shared-visit.js";

// Keys: `airlock:visit:<visit>` is a hash (site, owner, epoch, token hash, data JSON, the current
// co-browse session id); `airlock:resume:<token hash>` names "<visit> <site>";
// `airlock:cosession:<session>` names the visit of a co-browse session id (a server process that
// has not heard of a session finds its visit and owner). All three expire `ttlMs` after the owner's last
// write or renewal, so a visit whose server process died stays resumable for that long and no
// longer. Redis runs without persistence: none of it reaches a disk.

/**
 * How long a visit stays resumable after its owner's last renewal (every 10 s): longer than the
 * visitor's grace period (30 s) and the script's reconnection backoff before it.
 */
export const VISIT_RECORD_TTL_MS = 60_000;

const VISIT = `${CHANNEL_PREFIX}visit:`;
const RESUME = `${CHANNEL_PREFIX}resume:`;
const COSESSION = `${CHANNEL_PREFIX}cosession:`;

// Every script reads and writes the visit's hash atomically; the owner check is the fence.
const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'site', ARGV[1], 'owner', ARGV[2], 'epoch', ARGV[7], 'token', ARGV[3], 'data', ARGV[4], 'room', ARGV[8])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('SET', KEYS[2], ARGV[6], 'PX', ARGV[5])
redis.call('SET', ARGV[9] .. ARGV[8], ARGV[10], 'PX', ARGV[5])
return 1`;

const CLAIM = `
local token = redis.call('HGET', KEYS[1], 'token')
if not token or token ~= ARGV[1] then return false end
local epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
local previous = redis.call('HGET', KEYS[1], 'owner')
redis.call('HSET', KEYS[1], 'owner', ARGV[3], 'token', ARGV[2])
redis.call('DEL', ARGV[5] .. token)
local site = redis.call('HGET', KEYS[1], 'site')
redis.call('SET', ARGV[5] .. ARGV[2], ARGV[6] .. ' ' .. site, 'PX', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local room = redis.call('HGET', KEYS[1], 'room')
if room then redis.call('PEXPIRE', ARGV[7] .. room, ARGV[4]) end
return {epoch, site, redis.call('HGET', KEYS[1], 'data'), previous}`;

const SAVE = `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[2] then return 0 end
local token = redis.call('HGET', KEYS[1], 'token')
if token ~= ARGV[3] then
  redis.call('DEL', ARGV[6] .. token)
  redis.call('HSET', KEYS[1], 'token', ARGV[3])
end
redis.call('SET', ARGV[6] .. ARGV[3], ARGV[7] .. ' ' .. redis.call('HGET', KEYS[1], 'site'), 'PX', ARGV[5])
redis.call('HSET', KEYS[1], 'data', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
local room = redis.call('HGET', KEYS[1], 'room')
if room and room ~= ARGV[8] then redis.call('DEL', ARGV[9] .. room) end
redis.call('HSET', KEYS[1], 'room', ARGV[8])
redis.call('SET', ARGV[9] .. ARGV[8], ARGV[7], 'PX', ARGV[5])
return 1`;

const REMOVE = `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[2] then return 0 end
local token = redis.call('HGET', KEYS[1], 'token')
if token then redis.call('DEL', ARGV[3] .. token) end
local room = redis.call('HGET', KEYS[1], 'room')
if room then redis.call('DEL', ARGV[4] .. room) end
redis.call('DEL', KEYS[1])
return 1`;

export class RedisVisitStore implements VisitStore {
  private constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
  ) {}

  /** Connects its own command connection (the bus's are pub/sub only). */
  static async connect(settings: RedisSettings, ttlMs: number, log: Logger): Promise<RedisVisitStore> {
    const redis = new Redis({ ...redisConnectionOptions(settings), lazyConnect: true, maxRetriesPerRequest: 2, connectionName: "airlock-visits" });
    redis.on("error", (err: Error) => log.warn({ err: err.name, failure: redisFailureCode(err) }, "visit store connection error"));
    await redis.connect();
    return new RedisVisitStore(redis, ttlMs);
  }

  async create(visit: SharedVisit, hash: string): Promise<boolean> {
    const done = await this.#script(CREATE, 2, VISIT + visit.visit, RESUME + hash, visit.site, visit.owner, hash, JSON.stringify(visit.data), String(this.ttlMs), `${visit.visit} ${visit.site}`, String(visit.epoch), visit.data.room, COSESSION, visit.visit);
    return done === 1;
  }

  async lookup(token: string): Promise<{ visit: string; site: string } | undefined> {
    const value = await this.redis.get(RESUME + tokenHash(token));
    const [visit, site] = value?.split(" ") ?? [];
    return visit && site ? { visit, site } : undefined;
  }

  async claim(visit: string, token: string, nextToken: string, owner: string): Promise<(SharedVisit & { previousOwner: string }) | undefined> {
    const out = await this.#script(CLAIM, 1, VISIT + visit, tokenHash(token), tokenHash(nextToken), owner, String(this.ttlMs), RESUME, visit, COSESSION);
    if (!Array.isArray(out)) return undefined;
    const [epoch, site, text, previous] = out as [unknown, unknown, unknown, unknown];
    const data = readVisitData(typeof text === "string" ? text : undefined);
    if (typeof epoch !== "number" || typeof site !== "string" || typeof previous !== "string" || !data) return undefined;
    return { visit, site, owner, epoch, data, previousOwner: previous };
  }

  async save(visit: SharedVisit, hash: string): Promise<boolean> {
    const done = await this.#script(SAVE, 1, VISIT + visit.visit, visit.owner, String(visit.epoch), hash, JSON.stringify(visit.data), String(this.ttlMs), RESUME, visit.visit, visit.data.room, COSESSION);
    return done === 1;
  }

  async read(visit: string): Promise<SharedVisit | undefined> {
    const fields = await this.redis.hgetall(VISIT + visit);
    const data = readVisitData(fields.data);
    const epoch = Number(fields.epoch);
    if (!data || !fields.site || !fields.owner || !Number.isInteger(epoch)) return undefined;
    return { visit, site: fields.site, owner: fields.owner, epoch, data };
  }

  async findSession(session: string): Promise<{ visit: string; owner: string } | undefined> {
    const visit = await this.redis.get(COSESSION + session);
    const owner = visit ? await this.redis.hget(VISIT + visit, "owner") : null;
    return visit && owner ? { visit, owner } : undefined;
  }

  async remove(visit: string, owner: string, epoch: number): Promise<boolean> {
    return (await this.#script(REMOVE, 1, VISIT + visit, owner, String(epoch), RESUME, COSESSION)) === 1;
  }

  /** Runs one of the fixed Lua scripts above inside Redis (atomic; no input becomes code). */
  #script(lua: string, keys: number, ...args: string[]): Promise<unknown> {
    return this.redis.call("EVAL", lua, keys, ...args);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
