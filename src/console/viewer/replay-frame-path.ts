/** Where the replay frame's empty document is served (see replay-frame.ts). Browser-safe. */
export const REPLAY_FRAME_PATH = "/cobrowse/replay-frame";
