import { readEmbed, type Feature } from "./context.js";
import { cobrowse } from "./cobrowse.js";
import { identity } from "./identity.js";
import { report } from "./safe.js";
import { mountChatWidget } from "./widget/index.js";

// Entry of /siteconnect.js. Reads the embed tag and mounts each feature; a feature that fails
// is reported once to the console and never breaks the host page or the other features.

const chatWidget: Feature = (ctx) => mountChatWidget(ctx, ctx.channel);
const features: readonly Feature[] = [chatWidget, cobrowse, identity];

const marker = "__airlockSiteconnect";
const scope = globalThis as { [marker]?: true };

/**
 * A page shown in a same-origin frame of a page of the same site is part of that page: the top
 * page's capture already shows it, and a second visit from the frame would share (and fight
 * over) the top page's session storage. Only a top-level page or a cross-origin frame mounts.
 */
function insideSameOriginFrame(): boolean {
  if (window.top === window) return false;
  try {
    return window.top?.location.origin === location.origin;
  } catch {
    return false;
  }
}

if (!scope[marker] && !insideSameOriginFrame()) {
  scope[marker] = true;
  try {
    const ctx = readEmbed(document.currentScript);
    if (ctx) {
      for (const feature of features) {
        try {
          feature(ctx);
        } catch (err) {
          report(err);
        }
      }
    }
  } catch (err) {
    report(err);
  }
}
