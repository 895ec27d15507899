/**
 * The one HTML document behind every /console/ path. It holds no data and no inline script or
 * style: the script asks the server who is signed in and renders the page for the path.
 * `<noscript>` keeps the page understandable without JavaScript.
 */
export const consoleShellHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Airlock console</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console/assets/console-style.css">
<script src="/console/assets/console.js" defer></script>
</head>
<body>
<div id="app" class="app-loading" aria-busy="true"><p class="boot">Loading the Airlock console…</p></div>
<noscript><p class="boot">The Airlock console needs JavaScript. <a href="/">Back to the start page</a></p></noscript>
</body>
</html>
`;
