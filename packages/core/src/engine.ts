import type { ExecutionEvent, ExecutionRequestInput, ExecutionResult } from "./execution.js";

export interface ExecuteOptions {
  /** Aborting removes the sandbox and rejects with CANCELLED. */
  signal?: AbortSignal;
  /** Receives output and phase events live, as they happen. */
  onEvent?: (event: ExecutionEvent) => void;
}

/**
 * What a sandbox backend implements. The Docker adapter is one; nothing here assumes a local Docker socket, so a
 * Kubernetes adapter (a pod per sandbox) can implement the same contract.
 */
export interface SandboxEngine {
  /** Runs one request in a fresh sandbox and resolves with the whole result. */
  execute(request: ExecutionRequestInput, options?: ExecuteOptions): Promise<ExecutionResult>;
  /** The same, as an async iterable of stdout, stderr, phase and a final result event. */
  executeStream(
    request: ExecutionRequestInput,
    options?: Omit<ExecuteOptions, "onEvent">,
  ): AsyncIterable<ExecutionEvent>;
  /** Releases everything the engine holds (pooled sandboxes, connections). */
  close(): Promise<void>;
}
