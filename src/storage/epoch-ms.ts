// A leaf module on purpose: every capability's table types use it, and the schema that composes
// those tables imports them — so it cannot live in the schema without an import cycle.

/** Times are stored as epoch milliseconds (BIGINT) on both dialects. */
export type EpochMs = number;
