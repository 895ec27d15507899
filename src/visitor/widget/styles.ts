// Styles of the chat widget, adopted into the shared UI host's shadow root (no inline styles).
export const widgetCss = `
.alc { position: fixed; right: 20px; bottom: 20px; z-index: 2147483645; display: flex; flex-direction: column; align-items: flex-end; gap: 10px; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #14213d; }
.alc.alc-lifted { bottom: var(--alc-lift, 72px); }
.alc.alc-lifted .alc-panel { height: min(520px, calc(100vh - 20px - var(--alc-lift, 72px))); }
.alc button, .alc input, .alc textarea { font: inherit; }
.alc-launch { border: 0; border-radius: 999px; padding: 12px 20px; background: #0b5cad; color: #fff; font-weight: 650; cursor: pointer; box-shadow: 0 8px 24px rgba(8,27,58,.3); }
.alc-launch:hover { background: #094b8e; }
.alc :focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.alc-panel { width: min(360px, calc(100vw - 40px)); height: min(520px, calc(100vh - 40px)); display: flex; flex-direction: column; background: #fff;
  border-radius: 14px; overflow: hidden; box-shadow: 0 12px 40px rgba(8,27,58,.28), 0 0 0 1px rgba(8,27,58,.08); }
.alc-head { display: flex; align-items: center; gap: 8px; padding: 12px 14px; background: #0b5cad; color: #fff; }
.alc-head h2 { margin: 0; font-size: 16px; flex: 1; }
.alc-icon { border: 0; background: transparent; color: #fff; cursor: pointer; font-size: 20px; line-height: 1; padding: 2px 6px; border-radius: 6px; }
.alc-icon:hover { background: rgba(255,255,255,.18); }
.alc-chatview { flex: 1; display: flex; flex-direction: column; min-height: 0; }
.alc-log { flex: 1; overflow-y: auto; padding: 12px 14px; display: flex; flex-direction: column; gap: 8px; background: #f6f8fb; }
.alc-msg { max-width: 82%; padding: 8px 11px; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-word; }
.alc-me { align-self: flex-end; background: #0b5cad; color: #fff; border-bottom-right-radius: 4px; }
.alc-them { align-self: flex-start; background: #fff; border: 1px solid #d8e0ec; border-bottom-left-radius: 4px; }
.alc-who { display: block; font-size: 12px; opacity: .75; margin-bottom: 2px; }
.alc-pending { opacity: .65; }
.alc-note { align-self: center; font-size: 13px; color: #52607a; text-align: center; }
.alc-notice { margin: 0; padding: 8px 14px; font-size: 13px; background: #fff4e5; color: #7a3e00; border-bottom: 1px solid #f2d3a8; }
.alc-typing { min-height: 20px; padding: 0 14px; font-size: 13px; color: #52607a; background: #f6f8fb; }
.alc-form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #e3e8f0; }
.alc-form textarea { flex: 1; resize: none; height: 44px; border: 1px solid #b7c3d7; border-radius: 9px; padding: 8px 10px; }
.alc-btn { border-radius: 9px; padding: 8px 14px; cursor: pointer; border: 1px solid #b7c3d7; background: #fff; color: #14213d; font-weight: 600; }
.alc-btn:hover { background: #f1f4f9; }
.alc-primary { background: #0b5cad; border-color: #0b5cad; color: #fff; }
.alc-primary:hover { background: #094b8e; }
.alc-foot { display: flex; gap: 8px; justify-content: space-between; padding: 0 10px 10px; }
.alc-foot .alc-btn { font-size: 13px; padding: 5px 10px; }
.alc-offline { padding: 14px; display: flex; flex-direction: column; gap: 8px; overflow-y: auto; }
.alc-offline label { display: flex; flex-direction: column; gap: 3px; font-size: 14px; font-weight: 600; }
.alc-offline input, .alc-offline textarea { border: 1px solid #b7c3d7; border-radius: 8px; padding: 7px 9px; font-weight: 400; }
.alc-offline textarea { min-height: 90px; resize: vertical; }
.alc-invite { width: min(320px, calc(100vw - 40px)); background: #fff; border-radius: 14px; padding: 16px; box-shadow: 0 12px 40px rgba(8,27,58,.28), 0 0 0 1px rgba(8,27,58,.08); }
.alc-invite p { margin: 0 0 12px; }
.alc-invite.alc-invite-inline { width: auto; border-radius: 0; box-shadow: none; border-bottom: 1px solid #d8e0ec; background: #eef5fd; padding: 12px 14px; }
.alc-restart { padding: 10px; border-top: 1px solid #e3e8f0; margin: 0; }
.alc-restart .alc-btn { font-size: 14px; padding: 8px 14px; }
.alc-row { display: flex; gap: 8px; justify-content: flex-end; }
.alc-attach { flex: none; align-self: center; width: 40px; height: 40px; display: inline-flex; align-items: center; justify-content: center; border: 1px solid #b7c3d7; border-radius: 9px; background: #fff; color: #14213d; cursor: pointer; padding: 0; }
.alc-attach:hover { background: #f1f4f9; }
.alc-file { display: flex; flex-direction: column; gap: 4px; min-width: 0; white-space: normal; }
.alc-file-name { display: block; font-weight: 650; overflow-wrap: anywhere; word-break: break-word; unicode-bidi: isolate; }
.alc-file-meta, .alc-file-state { font-size: 13px; }
.alc-me .alc-file-meta, .alc-me .alc-file-state { color: #e6efff; }
.alc-them .alc-file-meta, .alc-them .alc-file-state { color: #3f4c63; }
.alc-file progress { width: 100%; height: 8px; accent-color: #f59e0b; }
.alc-file-refused.alc-me { background: #fff4e5; color: #5c2d00; border: 1px solid #e0a458; }
.alc-file-refused.alc-me .alc-who, .alc-file-refused.alc-me .alc-file-meta, .alc-file-refused.alc-me .alc-file-state { color: #5c2d00; }
.alc-file-download { align-self: flex-start; font-size: 13px; padding: 4px 10px; }
.alc-rate { padding: 10px 12px; border-top: 1px solid #e3e8f0; display: flex; flex-direction: column; gap: 8px; font-size: 14px; }
.alc-rate fieldset { border: 0; margin: 0; padding: 0; }
.alc-rate legend { font-weight: 650; margin-bottom: 6px; }
.alc-scores { display: flex; flex-wrap: wrap; gap: 6px; }
.alc-score { display: flex; align-items: center; gap: 4px; border: 1px solid #b7c3d7; border-radius: 8px; padding: 4px 8px; cursor: pointer; }
.alc-score:has(input:checked) { border-color: #0b5cad; background: #eef5fd; }
.alc-teams { flex-direction: column; }
.alc-rate-comment { display: flex; flex-direction: column; gap: 3px; font-weight: 600; }
.alc-rate textarea { border: 1px solid #b7c3d7; border-radius: 8px; padding: 6px 8px; resize: none; font-weight: 400; }
.alc-rate-status { margin: 0; color: #1d5e20; }
.alc-rate-status:empty { display: none; }
.alc-teampick { border-top: 0; padding: 14px; }
[hidden] { display: none !important; }
`;
