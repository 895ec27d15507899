import { fail } from "../failure.js";
import { check, checkOf } from "./check.js";

/** The origin of an absolute URL, or undefined when the text is not one. */
function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** Page URLs the visitor reports must lie under one of the site's exact origins. */
export const urlInSite = check<{ url: string }>("url-in-site", ({ room: session, message }) => {
  const origin = originOf(message.url);
  if (origin === undefined) return fail("bad_frame", "url is not an absolute URL");
  return session.siteOrigins.includes(origin) ? undefined : fail("origin_not_allowed", "url is outside the site's registered origins");
});

/** The page a visitor opens or resumes a visit from lies under one of its site's exact origins. */
export const pageInSite = checkOf<{ readonly message: { readonly url: string }; readonly site?: { readonly origins: readonly string[] } }>("page-in-site", ({ message, site }) => {
  const origin = originOf(message.url);
  return origin !== undefined && site?.origins.includes(origin) ? undefined : fail("origin_not_allowed", "the page is outside the site's registered origins");
});
