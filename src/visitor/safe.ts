// The visitor script runs inside someone else's page: nothing it does may throw into the host.
// Every callback the script hands to the browser (events, observers, timers, sockets) goes
// through `guard`, which swallows errors after reporting them once to the console.

let reported = false;

export function report(err: unknown): void {
  if (reported) return;
  reported = true;
  try {
    console.warn("Airlock: the co-browsing script stopped a feature after an error", err instanceof Error ? err.name : typeof err);
  } catch {
    // a host page may have replaced console; there is nothing else to do
  }
}

export function guard<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      fn(...args);
    } catch (err) {
      report(err);
    }
  };
}
