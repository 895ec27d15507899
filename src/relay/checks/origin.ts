import { fail } from "../failure.js";
import { check } from "./check.js";

/** Page URLs the visitor reports must lie under one of the site's exact origins. */
export const urlInSite = check<{ url: string }>("url-in-site", ({ room, message }) => {
  let origin: string;
  try {
    origin = new URL(message.url).origin;
  } catch {
    return fail("bad_frame", "url is not an absolute URL");
  }
  return room.siteOrigins.includes(origin) ? undefined : fail("origin_not_allowed", "url is outside the site's registered origins");
});
