// Served as /assets/site.css: the stylesheet of Airlock's server-rendered pages.
export const siteCss = `
:root { color-scheme: light dark; --fg: #1b2430; --muted: #5a6675; --bg: #f6f7f9; --card: #fff; --accent: #0b5cad; --line: #dde2e8; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ee; --muted: #9aa5b4; --bg: #11161d; --card: #1a2029; --accent: #6fb0f5; --line: #2a323d; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 46rem; margin: 3rem auto; padding: 0 1.25rem; }
header.brand { display: flex; align-items: center; gap: .75rem; margin-bottom: 1.5rem; }
header.brand .mark { width: 2.5rem; height: 2.5rem; border-radius: .6rem; background: var(--accent); color: #fff; display: grid; place-items: center; font-weight: 700; font-size: 1.25rem; }
h1 { font-size: 1.75rem; margin: 0; }
.tagline { color: var(--muted); margin: 0; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: .75rem; padding: 1.25rem 1.5rem; margin: 1rem 0; }
h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
a { color: var(--accent); }
code { font: .9em ui-monospace, SFMono-Regular, Menlo, monospace; background: color-mix(in srgb, var(--accent) 10%, transparent); padding: .1em .35em; border-radius: .3em; }
ul.links { list-style: none; padding: 0; margin: 0; }
ul.links li { padding: .35rem 0; border-top: 1px solid var(--line); }
ul.links li:first-child { border-top: 0; }
.muted { color: var(--muted); font-size: .9rem; }
`;
