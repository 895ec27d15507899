// Trusted Types: the CSP names exactly one policy, `airlock-console`, and requires Trusted Types
// for every script sink. The console claims that name first thing at start-up and its policy
// converts nothing, so no string can ever reach innerHTML, srcdoc, eval or a script URL — not
// from our code and not from anything injected later (the name is taken; duplicates are refused).
// Pages build DOM with `h()` from dom.ts instead.

export const consolePolicyName = "airlock-console";

interface TrustedTypePolicyFactory {
  createPolicy(name: string, rules: Record<string, (input: string) => never>): unknown;
}

function refuse(sink: string): (input: string) => never {
  return () => {
    throw new TypeError(`the Airlock console never turns strings into ${sink}`);
  };
}

export function claimTrustedTypesPolicy(): void {
  const factory = (globalThis as { trustedTypes?: TrustedTypePolicyFactory }).trustedTypes;
  factory?.createPolicy(consolePolicyName, { createHTML: refuse("HTML"), createScript: refuse("script"), createScriptURL: refuse("script URLs") });
}
