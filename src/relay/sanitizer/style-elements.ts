/**
 * sanitize-html emits <style> text verbatim. In its output `<` appears only as markup outside
 * <style> content (text and attribute values are escaped), and <style> content cannot contain
 * `</style`, so each element is found by a left-to-right scan and its text replaced by `clean`.
 * (A plain indexOf scan: a regular expression over the whole document was a hot spot.)
 */
export function replaceStyleTexts(html: string, clean: (css: string) => string): string {
  let at = html.indexOf("<style");
  if (at < 0) return html;
  let out = "";
  let copied = 0;
  while (at >= 0) {
    const next = html.charCodeAt(at + 6);
    const open = html.indexOf(">", at);
    // `<style>` or `<style attr…>`; anything else (e.g. `<styles>`) is another tag.
    if (open < 0) return out + html.slice(copied, at);
    if (next !== 62 /* > */ && next !== 32 /* space */) {
      at = html.indexOf("<style", at + 6);
      continue;
    }
    const close = html.indexOf("</style>", open + 1);
    // sanitize-html closes every element it opened; should one ever stay open, its text still
    // goes through `clean`.
    if (close < 0) return out + html.slice(copied, open + 1) + clean(html.slice(open + 1));
    out += html.slice(copied, open + 1) + clean(html.slice(open + 1, close));
    copied = close;
    at = html.indexOf("<style", close + 8);
  }
  return out + html.slice(copied);
}
