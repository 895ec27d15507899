import { readEmbed, type Feature } from "./context.js";
import { cobrowse } from "./cobrowse.js";
import { report } from "./safe.js";
import { mountChatWidget } from "./widget/index.js";

// Entry of /siteconnect.js. Reads the embed tag and mounts each feature; a feature that fails
// is reported once to the console and never breaks the host page or the other features.

const chatWidget: Feature = (ctx) => mountChatWidget(ctx, ctx.channel);
const features: readonly Feature[] = [chatWidget, cobrowse];

const marker = "__airlockSiteconnect";
const scope = globalThis as { [marker]?: true };

if (!scope[marker]) {
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
