// Backup and restore failures carry a stable code, shown by the CLI (and in --json output), so
// an operator's script can tell a damaged file from a missing key or a busy target.
export type BackupErrorCode =
  | "backup_source_schema"
  | "backup_format"
  | "backup_corrupt"
  | "backup_truncated"
  | "backup_key_unknown"
  | "backup_schema_newer"
  | "backup_target_not_empty"
  | "backup_target_schema"
  | "backup_audit_mismatch"
  | "backup_unsupported_value"
  | "backup_restore_order"
  | "backup_erasure_list"
  | "backup_store_empty";

export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "BackupError";
  }
}
