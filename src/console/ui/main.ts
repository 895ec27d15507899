import "./zod-jitless.js";
import { ConsoleApp } from "./app.js";
import { consolePages } from "./pages/index.js";
import { claimTrustedTypesPolicy } from "./trusted-types.js";

// Entry point of the agent console (bundled by scripts/build-console.mjs).
claimTrustedTypesPolicy();

const root = document.getElementById("app");
if (root) void new ConsoleApp(root, consolePages).start();
