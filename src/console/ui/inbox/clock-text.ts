// Elapsed times as the inbox shows them: waits as a clock ("2:14"), time on site in words that
// still move every second ("4 min 12 s", "1 h 02 min").

export { clockText } from "../../viewer/end-reason-text.js";

export function elapsedText(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}
