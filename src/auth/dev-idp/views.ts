import { escapeHtml } from "../../http/pages/layout.js";

/** The dev IdP's pages: no script, one stylesheet from its own origin. */
export function idpPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Airlock dev IdP</title>
<link rel="stylesheet" href="/dev-idp.css">
</head>
<body>
<main class="panel">
<p class="badge">Development identity provider</p>
${body}
</main>
</body>
</html>
`;
}

export function loginForm(uid: string, error: string | undefined, login: string): string {
  return idpPage(
    "Sign in",
    `<h1>Sign in</h1>
<p class="muted">Demo accounts only. See "Demo users" in the README.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
<label for="login">Username</label>
<input id="login" name="login" required autofocus value="${escapeHtml(login)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" required>
<button type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit" class="secondary">Cancel</button></form>`,
  );
}

export const idpCss = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:grid;place-items:center;background:#eef1f6;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b2333}
.panel{width:min(380px,92vw);background:#fff;border-radius:12px;padding:28px 32px;box-shadow:0 8px 30px rgba(20,30,60,.12)}
.badge{display:inline-block;margin:0 0 8px;padding:2px 10px;border-radius:999px;background:#fff4d6;color:#7a5200;font-size:12px;font-weight:600}
h1{margin:0 0 4px;font-size:24px}
.muted{color:#5b6478;margin-top:0}
label{display:block;margin:14px 0 4px;font-weight:600;font-size:14px}
input{width:100%;padding:10px 12px;border:1px solid #c5ccda;border-radius:8px;font:inherit}
input:focus,button:focus{outline:3px solid #8fb3ff;outline-offset:1px}
button{width:100%;margin-top:18px;padding:10px 12px;border:0;border-radius:8px;background:#2456d6;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button.secondary{background:transparent;color:#2456d6;margin-top:8px}
.error{background:#fde8e8;color:#9b1c1c;padding:8px 12px;border-radius:8px}
`;
