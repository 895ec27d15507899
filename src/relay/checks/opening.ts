import { fail } from "../failure.js";
import { checkOf, type CheckOf } from "./check.js";

// Checks of a visitor's opening frame (`hello`, `resume`): there is no session yet, only what the
// frame names. The relay looks those facts up without side effects before the row runs.

/** What an opening check may look at. */
export interface OpeningInput<M> {
  readonly message: M;
  /** The handshake's Origin (already one that some registered site lists). */
  readonly origin: string;
  /** This connection already opened its visit. */
  readonly opened: boolean;
  /** The site the frame names: by its key (`hello`) or by the resumed visit (`resume`). */
  readonly site: { readonly id: string; readonly origins: readonly string[] } | undefined;
  /** `resume`: the token is valid from this origin, and its visit and the visit's site go on. */
  readonly visitFound: boolean;
  /** Asks the policy engine for this visitor, site and origin. */
  readonly decide: (action: string) => { allow: boolean; reason: string };
}

export type OpeningCheck = CheckOf<OpeningInput<unknown>>;

/** A connection opens its visit once; later openings are refused. */
export const notOpened = checkOf<{ readonly opened: boolean }>("not-opened", ({ opened }) => (opened ? fail("wrong_state", "already connected") : undefined));

/** `hello`: the site key names a registered site that lists this Origin. */
export const siteServesOrigin: OpeningCheck = checkOf("site-key", ({ site, origin }) =>
  site?.origins.includes(origin) ? undefined : fail("origin_not_allowed", "the site key is not registered for this origin"),
);

/** `resume`: the token is known, unused, valid from this origin, and its visit (and the visit's site) goes on. */
export const visitResumable: OpeningCheck = checkOf("resume-token", ({ visitFound }) =>
  visitFound ? undefined : fail("session_ended", "the resume token is unknown, used or expired"),
);
