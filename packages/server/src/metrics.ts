import { type ExecutionResult, type Isol8ErrorCode, isIsol8Error } from "@isol8/core";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** How an execution ended, as a metric label. */
export type Outcome = "ok" | "error" | "timeout" | "oom" | "truncated" | "failed" | "cancelled";

/** Why a request was refused before it ran, as a metric label. */
export type RejectionReason = "unauthorized" | "forbidden" | "invalid" | "policy" | "too_large" | "busy";

const REJECTION_BY_CODE: Partial<Record<Isol8ErrorCode, RejectionReason>> = {
  UNAUTHORIZED: "unauthorized",
  FORBIDDEN: "forbidden",
  INVALID_INPUT: "invalid",
  RUNTIME_UNKNOWN: "invalid",
  PACKAGE_NAME_INVALID: "invalid",
  FILE_NOT_FOUND: "invalid",
  IMAGE_NOT_ISOL8: "invalid",
  POLICY_DENIED: "policy",
  PAYLOAD_TOO_LARGE: "too_large",
  BUSY: "busy",
};

/** The rejection an error stands for, if it is one (a refusal of the request rather than a failure to run it). */
export function rejectionReason(error: unknown): RejectionReason | undefined {
  return isIsol8Error(error) ? REJECTION_BY_CODE[error.code] : undefined;
}

/** Counts an error as a rejection if it is one; an error that is not (a failure to run) is left alone. */
export function countRejection(metrics: ServerMetrics, error: unknown): void {
  const reason = rejectionReason(error);
  if (reason) metrics.rejected(reason);
}

export interface ServerMetrics {
  readonly registry: Registry;
  executionFinished(runtime: string, result: ExecutionResult): void;
  executionFailed(runtime: string, outcome: "failed" | "cancelled", seconds: number): void;
  rejected(reason: RejectionReason): void;
}

export function outcomeOf(result: ExecutionResult): Outcome {
  if (result.timedOut) return "timeout";
  if (result.oomKilled) return "oom";
  if (result.truncated) return "truncated";
  return result.exitCode === 0 ? "ok" : "error";
}

/**
 * The server's metrics in a registry of its own (not prom-client's global one), so two servers in one process,
 * as in tests, never share counters. Queue depth and running executions are read when scraped.
 */
export function createServerMetrics(state: { queued: () => number; running: () => number }): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const executions = new Counter({
    name: "isol8_executions_total",
    help: "Executions that finished, by runtime and outcome",
    labelNames: ["runtime", "outcome"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "isol8_execution_duration_seconds",
    help: "Time from the engine call to its result",
    labelNames: ["runtime"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const pool = new Counter({
    name: "isol8_sandbox_pool_total",
    help: "Executions by whether they claimed a pre-started sandbox (hit) or waited for a new one (miss)",
    labelNames: ["result"] as const,
    registers: [registry],
  });
  const rejections = new Counter({
    name: "isol8_rejections_total",
    help: "Requests refused before running, by reason",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "isol8_queue_depth",
    help: "Executions waiting for a slot",
    registers: [registry],
    collect() {
      this.set(state.queued());
    },
  });
  new Gauge({
    name: "isol8_executions_running",
    help: "Executions holding a slot",
    registers: [registry],
    collect() {
      this.set(state.running());
    },
  });
  return {
    registry,
    executionFinished(runtime, result) {
      executions.inc({ runtime, outcome: outcomeOf(result) });
      duration.observe({ runtime }, result.durations.totalMs / 1000);
      // The engine reports no sandbox time when it claimed a sandbox that was already running.
      pool.inc({ result: result.durations.sandboxMs === 0 ? "hit" : "miss" });
    },
    executionFailed(runtime, outcome, seconds) {
      executions.inc({ runtime, outcome });
      duration.observe({ runtime }, seconds);
    },
    rejected(reason) {
      rejections.inc({ reason });
    },
  };
}
