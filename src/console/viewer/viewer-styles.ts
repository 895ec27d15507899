// Styles of the co-browse viewer, adopted as a constructable stylesheet (the console's CSP
// allows no inline style).
export const viewerCss = `
.cb-viewer { display: flex; flex-direction: column; gap: 10px; height: 100%; min-height: max(420px, calc(100vh - 200px)); font: 14px/1.4 system-ui, sans-serif; color: #14213d; }
.cb-bar { display: flex; align-items: center; justify-content: space-between; gap: 6px 12px; flex-wrap: wrap; }
.cb-toolbar { display: flex; align-items: center; gap: 6px; }
/* One line: the address gives way first, then the watcher list (both cut with an ellipsis). */
.cb-meta { display: flex; align-items: baseline; gap: 12px; font-size: 13px; white-space: nowrap; }
.cb-meta > * { min-width: 0; overflow: hidden; text-overflow: ellipsis; }
.cb-status { flex: 0 1 auto; }
.cb-watchers { flex: 0 10 auto; }
.cb-status { font-weight: 600; }
.cb-status[data-mode=control] { color: #b45309; }
.cb-bar button { font: inherit; font-size: 13px; font-weight: 600; padding: 4px 10px; border-radius: 8px; border: 1px solid #b7c3d7; background: #fff; cursor: pointer; }
.cb-bar button[aria-pressed=true] { background: #0b5cad; color: #fff; border-color: #0b5cad; }
.cb-bar button:disabled { opacity: .5; cursor: default; }
.cb-bar button:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.cb-url { flex: 0 1000 auto; color: #52607a; }
.cb-stage { position: relative; flex: 1; min-height: 0; overflow: auto; scrollbar-gutter: stable; background: #e8ecf3; border-radius: 10px; border: 1px solid #cfd7e6; }
.cb-sizer { pointer-events: none; }
.cb-zoom { display: inline-flex; align-items: center; gap: 4px; }
.cb-bar .cb-zoom button { min-width: 30px; }
.cb-scale { min-width: 44px; text-align: center; font-variant-numeric: tabular-nums; font-weight: 600; }
.cb-scaler { position: absolute; left: 0; top: 0; transform-origin: 0 0; box-shadow: 0 4px 18px rgba(8, 27, 58, .18); background: #fff; }
.cb-scaler iframe { display: block; border: 0; pointer-events: none; background: #fff; }
.cb-overlay { position: absolute; inset: 0; cursor: crosshair; }
.cb-overlay[data-mode=control] { cursor: pointer; }
.cb-overlay[data-tool=laser], .cb-overlay[data-tool=draw] { cursor: crosshair; touch-action: none; }
.cb-overlay[data-tool=highlight] { cursor: cell; }
.cb-guides { display: inline-flex; gap: 4px; flex-wrap: wrap; }
.cb-guide-svg { position: absolute; inset: 0; width: 100%; height: 100%; pointer-events: none; overflow: hidden; }
.cb-guide-stroke { fill: none; stroke: #d92d20; stroke-width: 4; stroke-linecap: round; stroke-linejoin: round; opacity: .9; }
.cb-guide-laser { stroke: #e11d48; stroke-width: 5; stroke-linecap: round; }
.cb-guide-outline { position: absolute; box-sizing: border-box; border: 3px solid #f59e0b; border-radius: 6px; pointer-events: none; }
.cb-guide-outline[hidden] { display: none; }
.cb-pointer { position: absolute; width: 18px; height: 18px; margin: -3px 0 0 -3px; pointer-events: none; display: none; }
.cb-pointer::before { content: ""; position: absolute; inset: 0; clip-path: polygon(0 0, 0 100%, 30% 72%, 55% 100%, 68% 92%, 45% 66%, 85% 66%); background: #e11d48; }
.cb-typer { position: absolute; display: none; font: 15px system-ui, sans-serif; border: 2px solid #b45309; border-radius: 6px; padding: 4px 8px; background: #fffbeb; }
.cb-ended { position: absolute; inset: 0; display: none; align-items: center; justify-content: center; background: rgba(232, 236, 243, .92); font-size: 18px; font-weight: 600; }
.cb-ended[data-show=true] { display: flex; }
.cb-ended { text-align: center; padding: 24px; }
.cb-ended p { margin: 0 0 8px; }
.cb-ended-why { font-size: 15px; font-weight: 500; max-width: 560px; }
.cb-banner { padding: 10px 14px; border-radius: 8px; font-weight: 600; border: 2px solid #b45309; background: #fffbeb; color: #7c2d12; }
.cb-banner[data-kind=ending] { border-color: #0b5cad; background: #eff6ff; color: #0b3b73; }
.cb-banner[hidden] { display: none; }
.cb-actions { display: inline-flex; gap: 6px; flex-wrap: wrap; }
.cb-watchers { color: #3d4a63; }
.cb-notice { margin: 0; padding: 8px 12px; border-radius: 8px; background: #fff4e5; border: 1px solid #f5b35c; color: #7a3e00; font-weight: 600; }
.cb-notice[hidden] { display: none; }
/* Dark mode follows the console (prefers-color-scheme). The visitor's page itself keeps its own
   colours: only the viewer's bar, stage and notices change. */
@media (prefers-color-scheme: dark) {
  .cb-viewer { color: #e6e9ee; }
  .cb-bar button { background: #1d242e; color: #e6e9ee; border-color: #3a4556; }
  .cb-bar button[aria-pressed=true] { background: #6fb0f5; color: #0b1520; border-color: #6fb0f5; }
  .cb-bar button:focus-visible { outline-color: #8fc1ff; }
  .cb-status[data-mode=control] { color: #e3b341; }
  .cb-url { color: #9aa5b4; }
  .cb-watchers { color: #b8c2d0; }
  .cb-stage { background: #0b1016; border-color: #2a333f; }
  .cb-scaler { box-shadow: 0 4px 18px rgba(0, 0, 0, .5); }
  .cb-ended { background: rgba(15, 20, 26, .92); color: #e6e9ee; }
  .cb-banner { background: #2e2410; color: #f5d78e; border-color: #e3b341; }
  .cb-banner[data-kind=ending] { background: #16283d; color: #cfe3fb; border-color: #6fb0f5; }
  .cb-notice { background: #2e2410; border-color: #8a5a00; color: #f5d78e; }
  .cb-typer { background: #2e2410; color: #f5d78e; border-color: #e3b341; }
}
`;
