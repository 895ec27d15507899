/** CLI exit codes, documented in docs/cli.md. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  invalidConfig: 2,
} as const;

/** Output for people by default, JSON with --json. */
export function emit(json: boolean, data: unknown, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(data, null, 2) + "\n" : human() + "\n");
}

export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ")).join("\n");
}
