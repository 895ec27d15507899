import { Counter, Gauge, type Registry } from "prom-client";

/** Prometheus series of the retention scheduler: what each run removed, and whether runs succeed. */
export class RetentionMetrics {
  readonly pruned: Counter<"kind">;
  readonly runs: Counter<"outcome">;
  readonly jobFailures: Counter<"kind">;
  readonly lastRun: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.pruned = new Counter({ name: "airlock_retention_pruned_total", help: "Items removed by retention, by kind (retention.yaml key)", labelNames: ["kind"], registers });
    this.runs = new Counter({ name: "airlock_retention_runs_total", help: "Retention runs by outcome (ok, or failed when any job failed)", labelNames: ["outcome"], registers });
    this.jobFailures = new Counter({ name: "airlock_retention_job_failures_total", help: "Retention jobs that threw, by kind", labelNames: ["kind"], registers });
    this.lastRun = new Gauge({ name: "airlock_retention_last_run_timestamp_seconds", help: "When the last retention run finished (Unix seconds)", registers });
  }
}
