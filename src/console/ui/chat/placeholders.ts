// Placeholders a canned response may hold, filled when an agent inserts it into a chat. Unknown
// ones stay as written, so a typo shows up before sending instead of silently vanishing.

export interface PlaceholderValues {
  /** The visitor's name as the console shows it: the visit's pseudonym ("Visitor 4821") unless the site identifies them. */
  readonly visitor: string;
  /** The agent's display name from the IdP ("Alex Agent"). */
  readonly agentName: string;
}

/** The placeholders offered, with what each becomes (the canned responses page lists them). */
export const PLACEHOLDERS: readonly { readonly token: string; readonly meaning: string }[] = [
  { token: "{visitor}", meaning: "the visitor's name, such as Visitor 4821" },
  { token: "{agent.firstName}", meaning: "the first name of the agent who inserts it" },
  { token: "{agent.name}", meaning: "the agent's full name" },
];

/** The first word of a display name ("Alex" of "Alex Agent"); the whole name if it has one word. */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? "";
}

export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  const map: Readonly<Record<string, string>> = {
    visitor: values.visitor,
    "agent.firstName": firstName(values.agentName),
    "agent.name": values.agentName.trim(),
  };
  return text.replace(/\{(visitor|agent\.firstName|agent\.name)\}/g, (token, key: string) => map[key] || token);
}
