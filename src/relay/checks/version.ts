import { negotiateVersion } from "../../protocol/version.js";
import { fail } from "../failure.js";
import { checkOf } from "./check.js";

/** The client offers a protocol version this server speaks (`hello`, `resume`, `join`). */
export const versionInCommon = checkOf<{ readonly message: { readonly versions: readonly number[] } }>("version", ({ message }) =>
  negotiateVersion(message.versions) === undefined ? fail("unsupported_version", "no protocol version in common") : undefined,
);
