import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// One small page per technique real websites use to look the way they do. Each page is a
// static file of one site folder; its <title> names the technique so the test can tell that the
// page copy shows this page. Scripts run only on the visitor's side (the page copy never runs any).

const SVG = (fill: string, w = 120, h = 60) => `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><rect width="${w}" height="${h}" fill="${fill}"/></svg>`;

const page = (title: string, head: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>body{margin:16px;font:16px/1.4 sans-serif}</style>${head}</head><body>${body}</body></html>`;

export const TECHNIQUE_PAGES: Readonly<Record<string, string>> = {
  "web-font.html": page(
    "web font",
    `<style>@font-face{font-family:Fixture;src:url(fonts/fixture.ttf) format("truetype")}h1{font-family:Fixture,serif;font-size:56px}</style>`,
    `<h1 id="t">Fixture font ABC 0123 iiii WWWW</h1>`,
  ),
  "custom-properties.html": page(
    "custom properties",
    `<style>:root{--brand:rgb(200, 30, 90);--gap:24px}.card{--inner:rgb(250, 240, 200);background:var(--brand);padding:var(--gap);color:var(--inner);width:calc(var(--gap) * 20)}</style>`,
    `<div class="card" id="t">Brand card</div>`,
  ),
  "pseudo-elements.html": page(
    "pseudo elements",
    `<style>.badge::before{content:"\\2605  ";color:rgb(220, 120, 0)}.label::after{content:" (" attr(data-unit) ")";color:rgb(0, 90, 200)}.quote::before{content:"";display:inline-block;width:30px;height:30px;background:rgb(30, 160, 60);vertical-align:middle;margin-right:8px}</style>`,
    `<p class="badge" id="t">Starred</p><p class="label" data-unit="kg">Weight</p><p class="quote">Boxed</p>`,
  ),
  "picture-srcset.html": page(
    "picture and srcset",
    "",
    `<picture id="t"><source srcset="img/wide.svg" media="(min-width: 800px)"><img src="img/narrow.svg" alt="art"></picture><img id="s" srcset="img/one.svg 1x, img/two.svg 2x" src="img/narrow.svg" alt="dpr">`,
  ),
  "svg-sprite.html": page(
    "svg sprite",
    "",
    `<svg style="display:none"><symbol id="icon-star" viewBox="0 0 10 10"><path d="M5 0 6.5 3.5 10 4 7.5 6.5 8 10 5 8.3 2 10 2.5 6.5 0 4 3.5 3.5z" fill="rgb(200, 40, 40)"/></symbol></svg><svg id="t" width="120" height="120"><use href="#icon-star"/></svg><svg width="60" height="60"><use xlink:href="#icon-star"/></svg>`,
  ),
  "sticky-fixed.html": page(
    "sticky and fixed",
    `<style>header{position:sticky;top:0;background:rgb(20, 60, 120);color:#fff;padding:12px}footer{position:fixed;bottom:0;left:0;right:0;height:40px;background:rgb(240, 200, 40)}section{height:600px;border-bottom:1px solid #ccc}</style>`,
    `<header id="t">Sticky header</header><section>One</section><section>Two</section><section>Three</section><footer>Fixed footer</footer>`,
  ),
  "lazy-images.html": page(
    "lazy images",
    `<style>.spacer{height:1500px}</style>`,
    `<div class="spacer">Scroll down</div><img id="t" loading="lazy" src="img/wide.svg" width="240" height="120" alt="lazy">`,
  ),
  "style-in-body.html": page(
    "style in body",
    "",
    `<p>Before</p><style>.late{color:rgb(1, 120, 130);font-weight:700;font-size:28px}</style><p class="late" id="t">Styled from the body</p>`,
  ),
  "shadow-root.html": page(
    "shadow root",
    `<style>p{color:rgb(10, 10, 10)}</style>`,
    `<p id="light">Light paragraph</p><fancy-card id="t"><span slot="title">Slotted title</span></fancy-card>
<script>customElements.define("fancy-card", class extends HTMLElement { constructor() { super(); const r = this.attachShadow({ mode: "open" }); r.innerHTML = '<style>:host{display:block;border:3px solid rgb(120, 0, 160);padding:10px}p{color:rgb(120, 0, 160);font-size:24px}</style><p>Inside the shadow</p><slot name="title"></slot>'; } });</script>`,
  ),
  "same-origin-iframe.html": page(
    "same-origin iframe",
    "",
    `<p>Host page</p><iframe id="t" src="inner.html" width="400" height="150" style="border:2px solid rgb(0, 0, 0)"></iframe>`,
  ),
  "inner.html": `<!doctype html><html><head><title>inner</title><style>body{margin:0;background:rgb(230, 250, 230);font:20px sans-serif}p{color:rgb(0, 100, 0);margin:12px}</style></head><body><p id="inner">Inside the frame</p></body></html>`,
  "cssom-insert-rule.html": page(
    "cssom insertRule",
    `<style id="sheet"></style>`,
    `<p class="dyn" id="t">Styled by an inserted rule</p><p class="later" id="later">Styled later</p>
<script>document.getElementById("sheet").sheet.insertRule(".dyn{color:rgb(0, 128, 0);font-size:30px}", 0);</script>`,
  ),
  "adopted-stylesheets.html": page(
    "adopted stylesheets",
    "",
    `<p class="adopted" id="t">Styled by a constructed sheet</p><p class="adopted-later" id="later">Styled later</p>
<script>const s = new CSSStyleSheet(); s.replaceSync(".adopted{color:rgb(180, 60, 0);font-size:30px}"); document.adoptedStyleSheets = [s]; window.benchSheet = s;</script>`,
  ),
  "masked-block.html": page(
    "masked block",
    `<style>.private{margin:30px 40px;padding:12px;border:4px solid rgb(0, 0, 0);height:100px}</style>`,
    `<p>Above</p><div class="private cobrowsing_nosync" id="t">Account number 1234</div><p id="below">Below the private block</p>`,
  ),
  "quirks-mode.html": `<html><head><title>quirks mode</title><style>body{font:24px sans-serif}td{border:1px solid #000}</style></head><body><table><tr><td id="t"><img src="img/narrow.svg" alt="cell"></td><td>Cell text in quirks mode</td></tr></table><p>Paragraph</p></body></html>`,
  "form-state.html": page(
    "form state",
    "",
    `<select id="t"><option value="a">Alpha</option><option value="b">Bravo</option><option value="c">Charlie</option></select>
<label><input type="checkbox" id="c"> Agree</label><label><input type="radio" name="r" value="1"> One</label><label><input type="radio" name="r" value="2" id="r2"> Two</label>
<script>document.getElementById("t").value = "b"; document.getElementById("c").checked = true; document.getElementById("r2").checked = true;</script>`,
  ),
  "link-rule.html": page(
    "link rule",
    `<style>h2 a{text-decoration:none;color:rgb(30, 30, 30)}</style>`,
    `<h2><a id="t" href="/elsewhere">Heading link without underline</a></h2><p><a id="plain" href="/other">Plain link</a></p>`,
  ),
  "body-link-colours.html": `<!doctype html><html><head><title>body link colours</title><style>body{font:20px sans-serif}</style></head><body link="#a06060" text="#203040"><p id="text">Text colour</p><p><a id="t" href="/elsewhere">A link in the body's link colour</a></p></body></html>`,
  "focus-blur.html": page(
    "focus and blur",
    "",
    `<p>Type here:</p><input id="t" type="text" style="font-size:20px;margin:12px">`,
  ),
  "focus-styles.html": page(
    "focus styles",
    `<style>input{font-size:20px;margin:12px;border:2px solid #999;outline:none}input:focus{border-color:rgb(0,90,200);background:rgb(255,244,200)}
form{padding:8px}form:focus-within{background:rgb(220,240,220)}button{font-size:18px;margin:12px}button:focus-visible{box-shadow:0 0 0 4px rgb(200,0,120)}</style>`,
    `<form><input id="t" type="text"><button id="b" type="button">Next</button></form><p id="after">Below the form</p>`,
  ),
  "button-labels.html": page(
    "button labels",
    `<style>input{font-size:20px;margin:8px}</style>`,
    `<form><input id="q" type="text" value="typed"><input id="t" type="submit" value="Search ..."><input id="r" type="reset" value="Start again"><input id="b" type="button" value="More"></form>`,
  ),
  "hover.html": page(
    "hover",
    `<style>nav a{display:inline-block;padding:8px 14px;font-size:20px;color:rgb(0, 60, 140)}nav a:hover{background:rgb(0, 60, 140);color:rgb(255, 255, 255)}li .sub{display:none}li:hover .sub{display:block;background:rgb(250, 230, 150)}</style>`,
    `<nav><a id="t" href="/one">One</a><a id="two" href="/two">Two</a></nav><ul><li id="menu">Menu <div class="sub" id="sub">Shown while the pointer is over the menu</div></li></ul><p style="height:400px">Below</p>`,
  ),
  "limited-quirks.html": `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html><head><title>limited quirks</title><style>body{font:20px sans-serif}td{border:1px solid #000}</style></head><body><table><tr><td id="t"><img src="img/narrow.svg" alt="cell"></td><td>An image alone in a cell sits on its bottom</td></tr></table><p>Paragraph</p></body></html>`,
  "plugin-box.html": page(
    "plugin box",
    `<style>embed,object{border:0}</style>`,
    `<p>Above</p><embed type="application/x-shockwave-flash" src="movie.swf" width="320" height="180"><object type="application/x-shockwave-flash" data="movie.swf" width="200" height="100"></object><p id="below">Below the plugins</p>`,
  ),
  "text-rendering.html": page(
    "text rendering",
    `<style>p{text-rendering:optimizeLegibility;font:22px/1.3 serif;width:420px}</style>`,
    `<p id="t">Efficient office affairs: AVAST, WAVE, To fly; ffi ffl fi fl kerning and ligatures decide where this line wraps.</p><p id="below">After</p>`,
  ),
  "svg-text-anchor.html": page(
    "svg text anchor",
    `<style>svg text{font:bold 18px monospace;text-anchor:middle;dominant-baseline:middle}svg rect{stroke-linejoin:round;stroke-dasharray:6 3}</style>`,
    `<svg width="400" height="120"><rect x="10" y="10" width="380" height="100" fill="rgb(210, 255, 210)" stroke="rgb(0, 0, 0)" stroke-width="3"/><text id="t" x="200" y="60">centred label</text></svg>`,
  ),
};

/** Writes the technique site (pages, images, a web font) into a fresh folder. */
export function writeTechniqueSite(): string {
  const root = mkdtempSync(path.join(tmpdir(), "airlock-techniques-"));
  mkdirSync(path.join(root, "img"));
  mkdirSync(path.join(root, "fonts"));
  for (const [name, html] of Object.entries(TECHNIQUE_PAGES)) writeFileSync(path.join(root, name), html);
  writeFileSync(path.join(root, "index.html"), page("index", "", "<p>Techniques</p>"));
  writeFileSync(path.join(root, "img", "wide.svg"), SVG("rgb(40, 120, 200)", 240, 120));
  writeFileSync(path.join(root, "img", "narrow.svg"), SVG("rgb(200, 40, 40)"));
  writeFileSync(path.join(root, "img", "one.svg"), SVG("rgb(40, 160, 40)"));
  writeFileSync(path.join(root, "img", "two.svg"), SVG("rgb(160, 40, 160)"));
  copyFileSync("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", path.join(root, "fonts", "fixture.ttf"));
  return root;
}
