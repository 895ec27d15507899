// Run by masked-memory.test.ts in a process of its own (a small heap to snapshot): a session with
// the shipped policies and the demo site's masking selectors gets a snapshot and an added subtree
// carrying unique strings, some in masked or nosync elements, some visible; then the process's
// whole heap is searched for each string. Prints {"canary": found, ...} as JSON.
import { randomBytes } from "node:crypto";
import { getHeapSnapshot } from "node:v8";
import { benchSession } from "../../../dist/bench/relay-session.js";
import { PolicyEngine } from "../../../dist/policy/engine.js";
import { shippedPolicyDir } from "../../../dist/policy/load.js";
import { AssetUrlSigner } from "../../../dist/relay/sanitizer/asset-url.js";
import { allowlistFromSanitizePolicy } from "../../../dist/relay/sanitizer/policy-allowlist.js";
import { Sanitizer } from "../../../dist/relay/sanitizer/sanitizer.js";

const origin = "http://127.0.0.1:8080";
const policy = PolicyEngine.load({ shippedDir: shippedPolicyDir, mode: "dev" });
const site = { id: "demo", origins: [origin] };
const sanitizer = new Sanitizer({
  allowlist: allowlistFromSanitizePolicy(policy.policy.sanitize),
  signer: new AssetUrlSigner(origin),
  site,
  maskSelectors: policy.policy.sites.sites.demo?.maskingSelectors ?? [],
});
const canary = (what) => `${what}${randomBytes(9).toString("hex")}`;
const canaries = {
  visible: canary("VISIBLE"),
  nosyncSnapshot: canary("NOSYNC"),
  maskedSnapshot: canary("MASKED"),
  maskedAdded: canary("MASKEDADD"),
  customTagAdded: canary("CUSTOMTAG"),
};

const quiet = { send: () => undefined, bufferedAmount: () => 0, close: () => undefined };
let request = "";
const visitor = { ...quiet, send: (frame) => void (request = JSON.parse(frame).request ?? request) };
const session = benchSession(site, sanitizer, policy);
session.attachVisitor(visitor);
const seat = session.seatFor(quiet, { subject: "agent", displayName: "Agent", roles: ["agent"], mfa: true, sourceAddress: "127.0.0.1" });
session.fromAgent(seat, { kind: "join", versions: [1], room: session.id, mode: "view" });
session.fromVisitor({ kind: "consent", request, answer: "granted", mode: "view" }, origin);

// Frames arrive as JSON text, as from a socket; each string lives only inside these calls.
const receive = (message) => {
  const failure = session.fromVisitor(JSON.parse(JSON.stringify(message)), origin);
  if (failure) throw new Error(`frame refused: ${failure.code}`);
};
/** The session's frames, inside a function so no frame is left in a register of the module's own scope. */
function play() {
  receive({
    kind: "snapshot",
    seq: 0,
    url: `${origin}/`,
    viewport: { width: 800, height: 600 },
    // Long class names and ids: the parser hands them out as slices of the raw page.
    html:
      `<html data-airlock-id="1"><body data-airlock-id="2"><div data-airlock-id="3" class="checkout-summary-panel">` +
      `<p data-airlock-id="4" class="cobrowsing_nosync">${canaries.nosyncSnapshot}</p>` +
      `<p data-airlock-id="5" class="account-number" id="primary-account-number">${canaries.maskedSnapshot}</p></div></body></html>`,
  });
  receive({
    kind: "mutations",
    seq: 1,
    ops: [
      {
        op: "add",
        parent: 3,
        before: null,
        html:
          `<span data-airlock-id="6" class="order-confirmation-note">${canaries.visible}</span>` +
          `<i data-airlock-id="7" data-private="" class="private-detail-field">${canaries.maskedAdded}</i>` +
          `<account-widget-element data-airlock-id="8" class="cobrowsing_nosync">${canaries.customTagAdded}</account-widget-element>`,
      },
    ],
  });
}

async function heapContains(strings) {
  const longest = Math.max(...strings.map((s) => s.length));
  const found = new Set();
  let tail = "";
  for await (const chunk of getHeapSnapshot()) {
    const text = tail + chunk.toString("utf8");
    for (const s of strings) if (text.includes(s)) found.add(s);
    tail = text.slice(-longest);
  }
  return found;
}

play();
await new Promise((resolve) => setImmediate(resolve));
const found = await heapContains(Object.values(canaries));
// The session must still be alive when the heap is read: what it holds is what is measured.
if (session.index.size === 0) throw new Error("session released before the heap was read");
console.log(JSON.stringify(Object.fromEntries(Object.entries(canaries).map(([k, v]) => [k, found.has(v)]))));
