// Airlock co-browse wire protocol v1, shared by the server, the visitor script and the agent
// console. Browser-safe: no Node-only imports. Documented in docs/protocol.md.
export * from "./version.js";
export * from "./limits.js";
export * from "./error-codes.js";
export * from "./node-id.js";
export * from "./fields.js";
export * from "./visitor-messages.js";
export * from "./agent-messages.js";
export * from "./server-messages.js";
export * from "./frame.js";
export * from "./canvas.js";
export * from "./canvas-message.js";
export * from "./mask.js";
export * from "./watchers.js";
export * from "./guidance.js";
