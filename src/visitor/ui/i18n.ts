// Visitor UI strings in English and German. Features (co-browsing, the chat widget) register
// their own dictionaries; the language comes from the script tag's `data-lang`, else the
// page's `<html lang>`, else the browser, and falls back to English.

export type Lang = "en" | "de";
export type Dictionary<K extends string> = Readonly<Record<Lang, Readonly<Record<K, string>>>>;

export function pickLang(explicit: string | null | undefined, doc: Document = document): Lang {
  const candidates = [explicit, doc.documentElement.lang, typeof navigator === "undefined" ? "" : navigator.language];
  for (const c of candidates) {
    const tag = (c ?? "").trim().toLowerCase();
    if (tag.startsWith("de")) return "de";
    if (tag.startsWith("en")) return "en";
  }
  return "en";
}

/** A translator for one dictionary; `{name}` placeholders are replaced with plain text. */
export function translator<K extends string>(dict: Dictionary<K>, lang: Lang): (key: K, vars?: Readonly<Record<string, string>>) => string {
  return (key, vars) => {
    const text = dict[lang][key] ?? dict.en[key];
    return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m) : text;
  };
}
