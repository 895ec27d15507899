import { lineOf, replaceOnce, shipped } from "./policy-dir.js";

export interface MalformedCase {
  readonly name: string;
  readonly file: string;
  readonly text: string;
  readonly line: number;
  readonly field: string;
  readonly message: RegExp;
}

function edited(file: string, from: string, to: string, marker: string, field: string, message: RegExp, name: string): MalformedCase {
  const text = replaceOnce(shipped(file), from, to);
  return { name, file, text, line: lineOf(text, marker), field, message };
}

/** One policy file broken in one way each, with where the error must point. */
export const malformedCases: readonly MalformedCase[] = [
  edited("access.yaml", "  auditor:\n", "  auditor: [unclosed\n", "[unclosed", "(yaml)", /./, "bad YAML"),
  edited("access.yaml", "  agent:\n    description:", "  agent:\n    colour: blue\n    description:", "colour: blue", "roles.agent.colour", /unknown key/, "unknown key"),
  edited("cobrowse.yaml", "agentInactivity: { seconds: 120,", "agentInactivity: { seconds: soon,", "seconds: soon", "agentInactivity.seconds", /expected number/, "wrong type"),
  edited("cobrowse.yaml", "view: { required: true,", "view: { required: false,", "required: false", "consent.view.required", /consent for viewing is not optional/, "viewing consent switched off"),
  edited("cobrowse.yaml", "maskedFields: { agentEdit: replace,", "maskedFields: { agentEdit: append,", "agentEdit: append", "maskedFields.agentEdit", /expected one of/i, "masked fields appended to"),
  edited("sanitize.yaml", "\n# <link rel=\"stylesheet\">", "\nallowedSchemes: [http, https, javascript]\n# <link rel=\"stylesheet\">", "allowedSchemes:", "allowedSchemes", /allowedSchemes is not a setting/, "a retired sanitizer field"),
  edited("retention.yaml", "chatTranscripts: { days: 90, asvs: [V14.2.7] }", "chatTranscripts: { days: 90, asvs: [V14.99.1] }", "V14.99.1", "chatTranscripts.asvs[0]", /unknown OWASP ASVS 5\.0 requirement id: V14\.99\.1/, "unknown ASVS id"),
  edited("access.yaml", "airlock-auditors: [auditor]", "airlock-auditors: [root]", "[root]", "groupMapping.groups.airlock-auditors[0]", /unknown role: root/, "unknown role in a mapping"),
];
