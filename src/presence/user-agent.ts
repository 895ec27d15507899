// Browser and device family from a visitor's user-agent string, for the agent's visitor context
// ("Firefox on a phone"). Only the two families are kept; the raw string is dropped at once (it
// would add fingerprinting detail nobody needs to help a visitor). Order matters: Edge and Opera
// also say "Chrome", Chrome also says "Safari".

export type BrowserFamily = "Edge" | "Opera" | "Samsung Internet" | "Firefox" | "Chrome" | "Safari" | "Other";
export type DeviceFamily = "Phone" | "Tablet" | "Desktop";

const browsers: readonly [RegExp, BrowserFamily][] = [
  [/\bEdg(e|A|iOS)?\//, "Edge"],
  [/\bOPR\/|\bOpera\b/, "Opera"],
  [/\bSamsungBrowser\//, "Samsung Internet"],
  [/\b(Firefox|FxiOS)\//, "Firefox"],
  [/(\b|Headless)(Chrome|Chromium|CriOS)\//, "Chrome"],
  [/\bVersion\/[\d.]+.*\bSafari\//, "Safari"],
];

export function browserFamily(userAgent: string): BrowserFamily {
  return browsers.find(([pattern]) => pattern.test(userAgent))?.[1] ?? "Other";
}

export function deviceFamily(userAgent: string): DeviceFamily {
  if (/\biPad\b|\bTablet\b|Android(?!.*\bMobile\b)/.test(userAgent)) return "Tablet";
  if (/\bMobi(le)?\b|\biPhone\b|\bAndroid\b/.test(userAgent)) return "Phone";
  return "Desktop";
}

/** A BCP 47 language tag as browsers report it ("en-GB", "de"); anything else is not shown. */
export function languageTag(value: string | undefined): string | undefined {
  return value !== undefined && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/.test(value) ? value : undefined;
}
