import type {
  DownloadedFile,
  ExecutionEvent,
  ExecutionRequestInput,
  ExecutionResult,
  LimitsInput,
  SandboxFileInput,
} from "./execution.js";
import type { ProgramInput } from "./program-input.js";

export interface ExecuteOptions {
  /** Aborting removes the sandbox and rejects with CANCELLED. */
  signal?: AbortSignal;
  /** Receives output and phase events live, as they happen. */
  onEvent?: (event: ExecutionEvent) => void;
  /**
   * Live input while the program runs (an interactive client, a terminal, a WebSocket). With it, the program's
   * stdin stays open — after `request.stdin`, if any — until a "stdin-end" event or the iterable's end. Events that
   * arrive before the program starts are delivered once it has. A program ended by a signal reports exit code
   * 128+n and its `signal` ("SIGINT" → 130). See `createProgramInput` for a push-style source.
   */
  input?: AsyncIterable<ProgramInput>;
}

export interface SessionOptions {
  /** Runtime of the session's image; every execution in the session uses it. */
  runtime: string;
  /** Limits of the sandbox (memory, CPU, PIDs, disk); per-run limits (timeout, output) come with each request. */
  limits?: LimitsInput;
  /** The session ends itself after this long without an execution. @default 900000 (15 min) */
  idleTimeoutMs?: number;
}

export interface SessionInfo {
  name: string;
  /** The backend's own id of the session's sandbox (a container id, a pod name). */
  id: string;
  runtime: string;
  /** "running" while it can execute; anything else means it is ending or has ended. */
  state: string;
  createdAt: Date;
}

/** An execution in a session: the session decides the runtime, the image and the sandbox's lifetime. */
export type SessionExecutionInput = Omit<
  ExecutionRequestInput,
  "runtime" | "image" | "allowForeignImage" | "persist"
> & { runtime?: string };

/**
 * One sandbox kept across executions, so files and installed packages persist: for stateful work such as a
 * notebook or an agent's scratch space. Each execution still runs as the sandbox user under the same hardening.
 * Executions and file operations of one session run one after another, in the order they were asked for.
 */
export interface Session {
  readonly name: string;
  readonly runtime: string;
  /** Runs in the session's sandbox; `runtime` may be left out (it must be the session's if given). */
  execute(request: SessionExecutionInput, options?: ExecuteOptions): Promise<ExecutionResult>;
  /** The same, as an async iterable of stdout, stderr, phase and a final result event. */
  executeStream(
    request: SessionExecutionInput,
    options?: Omit<ExecuteOptions, "onEvent">,
  ): AsyncIterable<ExecutionEvent>;
  /** Writes files into the session's /sandbox (the rules of `request.files`: no `..`, no symlink escapes). */
  writeFiles(files: SandboxFileInput[]): Promise<void>;
  /** Reads files from /sandbox; one that cannot be read comes back with `error` rather than as a rejection. */
  readFiles(paths: string[]): Promise<DownloadedFile[]>;
  /** Lets go of the connection; the session lives on (until it idles out) for a later `session(name)`. */
  detach(): void;
  /** Ends the session and removes its sandbox. */
  stop(): Promise<void>;
}

/** A runtime an engine can run. */
export interface RuntimeInfo {
  name: string;
  /** File extensions it runs (".py"). */
  extensions: string[];
  /** Pinned versions of what its image contains ({ python: "3.11.2-1+b1" }). */
  versions: Record<string, string>;
}

/**
 * What a sandbox backend implements: the Docker adapter, the HTTP remote engine, the Kubernetes adapter. Nothing
 * here assumes a local Docker socket. `@isol8/conformance` is the suite every implementation must pass.
 */
export interface SandboxEngine {
  /** Runs one request in a fresh sandbox and resolves with the whole result. */
  execute(request: ExecutionRequestInput, options?: ExecuteOptions): Promise<ExecutionResult>;
  /** The same, as an async iterable of stdout, stderr, phase and a final result event. */
  executeStream(
    request: ExecutionRequestInput,
    options?: Omit<ExecuteOptions, "onEvent">,
  ): AsyncIterable<ExecutionEvent>;
  /**
   * The running session of that name, or a new one. Names match `^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`; a session that
   * exists with another runtime is INVALID_INPUT.
   */
  session(name: string, options: SessionOptions): Promise<Session>;
  /** Sessions that exist (running, or idled out and not yet removed). */
  listSessions(): Promise<SessionInfo[]>;
  /** Ends a session and removes its sandbox; false when there was none. */
  stopSession(name: string): Promise<boolean>;
  /** The runtimes this engine can run. */
  listRuntimes(): Promise<RuntimeInfo[]>;
  /** Resolves when the backend answers; rejects with ENGINE_UNAVAILABLE otherwise. */
  ping(): Promise<void>;
  /** Releases everything the engine holds (pooled sandboxes, connections). */
  close(): Promise<void>;
}
