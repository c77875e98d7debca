import { z } from "zod";

/** Resource limits of one sandbox. Sizes in bytes, times in milliseconds. */
export const limitsSchema = z.object({
  /** Wall-clock limit of the user's program; the whole process tree is killed at the deadline. @default 30000 */
  timeoutMs: z.number().int().positive().default(30_000),
  /** Memory limit, swap included (no swap). @default 512 MiB */
  memoryBytes: z
    .number()
    .int()
    .min(6 * 1024 * 1024)
    .default(512 * 1024 * 1024),
  /** CPU quota in cores. @default 1 */
  cpus: z.number().positive().default(1),
  /** Maximum number of processes and threads. @default 128 */
  pids: z.number().int().positive().default(128),
  /** Size of the writable, executable tmpfs at /sandbox. @default 512 MiB */
  sandboxBytes: z
    .number()
    .int()
    .positive()
    .default(512 * 1024 * 1024),
  /** Size of the writable, non-executable tmpfs at /tmp. @default 64 MiB */
  tmpBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  /** Cap on stdout plus stderr; the program is stopped and the result marked truncated past it. @default 1 MiB */
  maxOutputBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** Time allowed for the run-time package install phase. @default 300000 */
  installTimeoutMs: z.number().int().positive().default(300_000),
});
export type Limits = z.infer<typeof limitsSchema>;
export type LimitsInput = z.input<typeof limitsSchema>;

export const networkModeSchema = z.enum(["none", "filtered", "host"]);
export type NetworkMode = z.infer<typeof networkModeSchema>;

export const networkPolicySchema = z.object({
  /** none: loopback only; filtered: through the egress proxy; host: the host's network. @default "none" */
  mode: networkModeSchema.default("none"),
  /** Host-name patterns allowed in filtered mode ("pypi.org", "*.github.com"). @default [] */
  allow: z.array(z.string()).default([]),
  /** Host-name patterns refused in filtered mode; deny wins over allow. @default [] */
  deny: z.array(z.string()).default([]),
});
export type NetworkPolicy = z.infer<typeof networkPolicySchema>;

/** A file placed into /sandbox before the code runs. */
export const sandboxFileSchema = z.object({
  /** Path relative to /sandbox (or absolute under /sandbox). */
  path: z.string().min(1),
  content: z.instanceof(Uint8Array),
  /** Make it executable. @default false */
  executable: z.boolean().default(false),
});
export type SandboxFile = z.infer<typeof sandboxFileSchema>;
export type SandboxFileInput = z.input<typeof sandboxFileSchema>;

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a valid environment variable name");

/** One execution, validated at the library boundary before anything touches the engine. */
export const executionRequestSchema = z.object({
  /** Runtime name ("python"). */
  runtime: z.string().min(1),
  /** The program's source code. */
  code: z.string(),
  /** File name of the code inside /sandbox; decides how it runs. @default the runtime's inlineFileName */
  fileName: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, "must be a plain file name")
    .optional(),
  /** True when the code came from a file rather than -e/stdin (the runtime then always runs it as a file). */
  fromFile: z.boolean().default(false),
  /** Packages to make available (baked image or run-time install). @default [] */
  install: z.array(z.string()).default([]),
  /**
   * Shell scripts run one after another in the sandbox before the program — after installs, as the sandbox user,
   * in `workdir`, with the program's environment, network policy and limits (the timeout covers them and the
   * program together). Their output is the run's output (masked, capped); the first that exits non-zero stops the
   * run with SETUP_FAILED. @default []
   */
  setup: z.array(z.string().min(1, "a setup command must not be empty")).default([]),
  /** Explicit image to run in instead of the resolved one; it must have been built by isol8. */
  image: z.string().optional(),
  /** Let `image` name an image that isol8 did not build. @default false */
  allowForeignImage: z.boolean().default(false),
  /** Environment variables for the program. @default {} */
  env: z.record(envName, z.string()).default({}),
  /** Secret environment variables; their values are masked as *** in stdout and stderr. @default {} */
  secrets: z.record(envName, z.string()).default({}),
  /** Data fed to the program's standard input. */
  stdin: z.string().optional(),
  /** Working directory, inside /sandbox. @default "/sandbox" */
  workdir: z.string().default("/sandbox"),
  /** Extra files to place into /sandbox. @default [] */
  files: z.array(sandboxFileSchema).default([]),
  limits: limitsSchema.default(limitsSchema.parse({})),
  network: networkPolicySchema.default(networkPolicySchema.parse({})),
  /** Paths (under /sandbox) to bring back after the run, in `result.files`. @default [] */
  download: z.array(z.string().min(1)).default([]),
  /** Keep the container after the run, for debugging. @default false */
  persist: z.boolean().default(false),
  /** Report the program's requests through the egress proxy in `result.network` (filtered mode only). @default false */
  logNetwork: z.boolean().default(false),
});
export type ExecutionRequest = z.infer<typeof executionRequestSchema>;
export type ExecutionRequestInput = z.input<typeof executionRequestSchema>;

/** Durations of the phases of one execution, in milliseconds. */
export interface ExecutionDurations {
  /** Everything, from the call to the result. */
  totalMs: number;
  /** Creating and starting the container (0 when a pre-started one was claimed). */
  sandboxMs: number;
  /** The run-time package install (0 when nothing was installed). */
  installMs: number;
  /** The user's program. */
  runMs: number;
  /** The setup commands, when there were any. */
  setupMs?: number;
}

/** A file brought back from /sandbox after the run. */
export interface DownloadedFile {
  /** The path as requested. */
  path: string;
  /** Its bytes, when it could be read. */
  content?: Uint8Array;
  /** Why it could not be read (missing, a directory, a symlink leading out of /sandbox, …). */
  error?: string;
}

/** Why the egress proxy refused a request. */
export type NetworkRefusal =
  /** A deny pattern matched. */
  | "denied"
  /** No allow pattern matched the host. */
  | "not-allowed"
  /** The host is allowed, but not on this port. */
  | "port"
  /** The host resolved to a loopback, private, link-local or other non-public address. */
  | "address";

/** One request the program made through the egress proxy of a filtered network. */
export interface NetworkLogEntry {
  /** The host asked for (name or address), as the program wrote it. */
  host: string;
  port: number;
  /** CONNECT for HTTPS (a tunnel), else the HTTP method. */
  method: string;
  /** False when the proxy refused the request by policy. */
  allowed: boolean;
  /** Why it was refused, when it was. */
  reason?: NetworkRefusal;
  /** The status the proxy answered (200 for an opened tunnel, 403 for a refusal); absent when there was none. */
  status?: number;
  /** From the request to its end; for HTTPS the tunnel's whole life. */
  durationMs: number;
}

/**
 * Why the execution ran in its image: `explicit` — the request named it; `exact`, `superset`, `partial` — a custom
 * image with exactly the requested packages, with more than them, or with some of them (the rest installed at run
 * time); `runtime` — the runtime's own image (every requested package installed at run time); `session` — the
 * session's image.
 */
export type ImageMatch = "explicit" | "exact" | "superset" | "partial" | "runtime" | "session";

/** What happened, honestly. */
export interface ExecutionResult {
  /** The program's exit code; 128+signal when killed by a signal, as shells report it. */
  exitCode: number;
  /** The signal that ended the program ("SIGKILL"), if any. */
  signal: string | undefined;
  stdout: string;
  stderr: string;
  /** Output went past maxOutputBytes; the program was stopped there. */
  truncated: boolean;
  /** The program was killed at the timeout. */
  timedOut: boolean;
  /** The program ran out of memory and was killed by the kernel. */
  oomKilled: boolean;
  durations: ExecutionDurations;
  /** The image the program ran in. */
  image: string;
  /** The image's content-addressed id (`sha256:…`): what ran, even after the tag moved on. */
  imageId?: string;
  /** Why that image (engines that choose no image leave it out). */
  imageMatch?: ImageMatch;
  /** Packages installed at run time (empty when the image had them all). */
  installed: string[];
  /** The files named in `download`, in the same order. */
  files: DownloadedFile[];
  /** Id of the kept container, when persist was asked for. */
  containerId: string | undefined;
  /** Requests through the egress proxy, in the order they started, when `logNetwork` was asked for. */
  network?: NetworkLogEntry[];
}

/** An event of a streamed execution. */
export type ExecutionEvent =
  | { type: "stdout"; data: string }
  | { type: "stderr"; data: string }
  | { type: "phase"; phase: "sandbox" | "install" | "setup" | "run"; detail?: string }
  | { type: "result"; result: ExecutionResult };
