import type { Logger } from "../ops/log.js";
import type { Bus } from "./bus.js";
import { MemoryBus } from "./memory-bus.js";
import { RedisBus } from "./redis-bus.js";
import type { RedisSettings } from "./redis-connection.js";

/** Redis when `redisUrl` is set (several replicas), else the in-process bus. */
export async function openBus(config: Omit<RedisSettings, "redisUrl"> & { readonly redisUrl?: string | undefined }, log: Logger): Promise<Bus> {
  return config.redisUrl ? RedisBus.connect({ ...config, redisUrl: config.redisUrl }, log) : new MemoryBus();
}
