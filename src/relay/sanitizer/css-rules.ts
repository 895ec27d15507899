// The CSS allowlist (policies/sanitize.yaml `css`): which properties and at-rules may reach an
// agent. Vendor-prefixed forms follow their unprefixed name (`-webkit-transform` is allowed when
// `transform` is). Two things are governed by other rules rather than by these lists:
// - custom properties (`--name`) do nothing by themselves; they only take effect through var()
//   inside an allowed property, and their values pass the same resource checks as any value;
// - `@import` is an asset fetch: rewritten to the asset proxy (whose CSS goes through this same
//   sanitizer) or dropped, like url().

export interface CssAllowlist {
  readonly properties: readonly string[];
  readonly atRules: readonly string[];
}

const vendorPrefix = /^-(?:webkit|moz|ms|o)-/;

export class CssRules {
  readonly #properties: ReadonlySet<string>;
  readonly #atRules: ReadonlySet<string>;

  constructor(allowlist: CssAllowlist) {
    this.#properties = new Set(allowlist.properties.map((p) => p.toLowerCase()));
    this.#atRules = new Set(allowlist.atRules.map((a) => a.toLowerCase()));
  }

  allowsProperty(name: string): boolean {
    return this.#properties.has(name) || (vendorPrefix.test(name) && this.#properties.has(name.replace(vendorPrefix, "")));
  }

  allowsAtRule(name: string): boolean {
    return this.#atRules.has(name) || (vendorPrefix.test(name) && this.#atRules.has(name.replace(vendorPrefix, "")));
  }
}
