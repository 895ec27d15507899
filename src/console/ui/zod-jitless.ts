import { config } from "zod/mini";

// Imported first by main.ts, before any module builds a schema: zod decides when it builds an
// object schema whether to compile its parser with `new Function`, probing for it first. The
// console's CSP and Trusted Types forbid both, and the probe shows as a Trusted Types violation.
config({ jitless: true });
