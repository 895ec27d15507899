import type { Logger } from "../ops/log.js";
import type { Bus } from "./bus.js";
import { MemoryBus } from "./memory-bus.js";
import { RedisBus } from "./redis-bus.js";

/** Redis when `redisUrl` is set (several replicas), else the in-process bus. */
export async function openBus(config: { readonly redisUrl?: string | undefined }, log: Logger): Promise<Bus> {
  return config.redisUrl ? RedisBus.connect(config.redisUrl, log) : new MemoryBus();
}
