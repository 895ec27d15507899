/** One problem with one setting: names the field, where it came from, and what is wrong. */
export interface ConfigIssue {
  readonly field: string;
  readonly source: string;
  readonly message: string;
}

/** Invalid configuration: the process must not start (CLI exit code 2). */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    super(
      "invalid configuration:\n" +
        issues.map((i) => `  - ${i.field} (${i.source}): ${i.message}`).join("\n"),
    );
    this.name = "ConfigError";
    this.issues = issues;
  }
}
