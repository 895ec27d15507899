/** One problem in one policy file: where it is (file, line, column), which field, and what is wrong. */
export interface PolicyIssue {
  readonly file: string;
  /** 1-based; 0 when the problem is the file as a whole (missing, unreadable). */
  readonly line: number;
  readonly column: number;
  /** Dotted path inside the file, e.g. `roles.agent.permissions[2]`; `(yaml)` for syntax errors. */
  readonly field: string;
  readonly message: string;
}

export function formatIssue(i: PolicyIssue): string {
  const where = i.line > 0 ? `${i.file}:${i.line}:${i.column}` : i.file;
  return `${where}: ${i.field}: ${i.message}`;
}

/** An invalid policy: the server refuses to start (or keeps the previous policy on reload). */
export class PolicyError extends Error {
  readonly issues: readonly PolicyIssue[];
  constructor(issues: readonly PolicyIssue[]) {
    super("invalid policy:\n" + issues.map((i) => `  - ${formatIssue(i)}`).join("\n"));
    this.name = "PolicyError";
    this.issues = issues;
  }
}
