// Explicit limits of protocol v1. The server enforces every one of them (a frame beyond a limit
// is refused with the error code named beside it); the visitor script stays below them.
export const LIMITS = {
  /** Largest WebSocket frame, either direction (`frame_too_large`). */
  maxFrameBytes: 4 * 1024 * 1024,
  /** Elements in one snapshot or one added subtree (`too_many_nodes`). */
  maxNodesPerSnapshot: 50_000,
  /** Element nesting depth in a snapshot or added subtree (`too_deep`). */
  maxDepth: 200,
  /** Length of one attribute value (`value_too_long`). */
  maxAttributeLength: 16 * 1024,
  /** Length of one text mutation (`value_too_long`). */
  maxTextLength: 256 * 1024,
  /** Length of one input value, from the visitor or from an agent (`value_too_long`). */
  maxInputValueLength: 4 * 1024,
  /** Length of any URL field (`value_too_long`). */
  maxUrlLength: 4 * 1024,
  /** Operations in one mutation batch (`too_many_ops`). */
  maxOpsPerBatch: 1_000,
  /** Sustained messages per second per connection, visitor side (`rate_limited`). */
  visitorMessagesPerSecond: 60,
  /** Burst allowance on top of the sustained rate, visitor side. */
  visitorBurst: 240,
  /** Sustained messages per second per connection, agent side (`rate_limited`). */
  agentMessagesPerSecond: 30,
  /** Burst allowance on top of the sustained rate, agent side. */
  agentBurst: 120,
  /** Sustained bytes per second per connection, visitor side (`rate_limited`); snapshots are the big frames. */
  visitorBytesPerSecond: 8 * 1024 * 1024,
  /** Burst allowance in bytes, visitor side: a few full-size snapshots in a row. */
  visitorBurstBytes: 16 * 1024 * 1024,
  /** Sustained bytes per second per connection, agent side (`rate_limited`). */
  agentBytesPerSecond: 256 * 1024,
  /** Burst allowance in bytes, agent side. */
  agentBurstBytes: 1024 * 1024,
  /** Largest node id (ids are positive integers chosen by the visitor script). */
  maxNodeId: 2_147_483_647,
} as const;

export type Limits = typeof LIMITS;
