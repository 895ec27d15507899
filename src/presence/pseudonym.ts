import { createHash } from "node:crypto";

// The one name a visit goes by everywhere in the console — the chat, the live visitor list and
// the co-browse sessions — so an agent never matches rows by hand. Derived from the visit's
// random id (never the session cookie, never anything the visitor typed): the same visit always
// gets the same name, a new visit a new one, and the name says nothing about the person.

const PSEUDONYM_DOMAIN = "airlock visitor pseudonym v1\u0000";

/** "Visitor 4821": four digits from a hash of the visit id (1000–9999). */
export function visitorPseudonym(visitId: string): string {
  const digest = createHash("sha256").update(PSEUDONYM_DOMAIN).update(visitId).digest();
  return `Visitor ${1000 + (digest.readUInt32BE(0) % 9000)}`;
}
