// Styles of the co-browsing prompts, bar and markers (adopted into the UI host's shadow root).
export const cobrowseCss = `
:host { all: initial; }
.al-layer { position: fixed; inset: 0; pointer-events: none; z-index: 2147483646; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #14213d; }
.al-dialog { pointer-events: auto; position: fixed; left: 20px; top: 16px; width: min(400px, calc(100vw - 40px)); max-height: calc(100vh - 32px); overflow-y: auto; box-sizing: border-box;
  background: #fff; border-radius: 14px; padding: 20px 20px 16px; box-shadow: 0 12px 40px rgba(8, 27, 58, .28), 0 0 0 1px rgba(8, 27, 58, .08); }
.al-dialog h2 { margin: 0 0 8px; font-size: 17px; font-weight: 650; }
.al-dialog p { margin: 0 0 16px; color: #3d4a63; }
.al-actions { display: flex; gap: 10px; justify-content: flex-end; flex-wrap: wrap; }
.al-btn { font: inherit; font-weight: 600; border-radius: 9px; padding: 8px 14px; cursor: pointer; border: 1px solid #b7c3d7; background: #fff; color: #14213d; }
.al-btn:hover { background: #f1f4f9; }
.al-btn:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.al-dialog:focus { outline: 3px solid #f59e0b; outline-offset: 2px; }
.al-dialog:focus:not(:focus-visible) { outline: none; }
.al-btn[aria-disabled=true] { opacity: .55; cursor: default; }
.al-primary { background: #0b5cad; border-color: #0b5cad; color: #fff; }
.al-primary:hover { background: #094b8e; }
.al-danger { background: #b42318; border-color: #b42318; color: #fff; }
.al-danger:hover { background: #912018; }
.al-bar { pointer-events: auto; position: fixed; bottom: 0; left: 50%; transform: translateX(-50%); width: max-content; display: flex; align-items: center; gap: 12px;
  background: #0b5cad; color: #fff; padding: 7px 8px 7px 14px; border-radius: 12px 12px 0 0; box-shadow: 0 -6px 18px rgba(8, 27, 58, .3); max-width: calc(100vw - 16px);
  box-sizing: border-box; flex-wrap: wrap; row-gap: 6px; }
.al-watchers { display: flex; flex-wrap: wrap; gap: 6px 12px; margin: 0; padding: 0; list-style: none; }
.al-watcher { display: flex; align-items: center; gap: 6px; background: rgba(255,255,255,.14); border-radius: 8px; padding: 2px 4px 2px 8px; }
.al-name { font-weight: 650; }
.al-role { font-size: 13px; opacity: .9; }
.al-role::before { content: "· "; }
.al-watchers:has(> :only-child) .al-watcher { background: transparent; padding: 0; }
.al-watchers:has(> :only-child) .al-name { display: none; }
.al-bar .al-btn.al-remove { padding: 2px 8px; font-size: 13px; }
.al-bar.al-control { background: #b45309; }
.al-bar:focus { outline: 3px solid #f59e0b; outline-offset: 2px; }
.al-bar:focus:not(:focus-visible) { outline: none; }
.al-label { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.al-dot { width: 9px; height: 9px; border-radius: 50%; background: #fff; flex: none; }
.al-bar .al-btn { white-space: nowrap; padding: 5px 11px; font-size: 14px; border-color: rgba(255,255,255,.7); background: transparent; color: #fff; }
.al-bar .al-btn:hover { background: rgba(255,255,255,.15); }
.al-bar .al-btn.al-stop { background: #fff; color: #b42318; border-color: #fff; }
.al-frame { position: fixed; inset: 0; border: 3px solid #0b5cad; pointer-events: none; }
.al-frame.al-control { border-color: #b45309; }
.al-mark { position: absolute; width: 44px; height: 44px; margin: -22px 0 0 -22px; border-radius: 50%; border: 4px solid #f59e0b;
  box-shadow: 0 0 0 6px rgba(245, 158, 11, .25); animation: al-pulse 1s ease-out 3; }
.al-mark-label { position: absolute; transform: translate(28px, -12px); background: #14213d; color: #fff; font-size: 13px; padding: 3px 8px; border-radius: 6px; white-space: nowrap; }
@keyframes al-pulse { from { transform: scale(.6); opacity: 1; } to { transform: scale(1.3); opacity: .4; } }
@media (prefers-reduced-motion: reduce) { .al-mark { animation: none; } }
.al-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
