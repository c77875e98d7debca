import { createHash } from "node:crypto";
import { appendFile, mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";

/** Where and how an audit log is written. */
export interface AuditLogOptions {
  /** The JSON-lines file; its directory is created when missing. */
  file: string;
  /** The file is rotated (to `file.1`, `file.2`, …) before a line would take it past this size. @default 10 MiB */
  maxBytes?: number;
  /** How many rotated files are kept. @default 5 */
  keep?: number;
  /** Add the code itself (secrets masked) to each line. @default false */
  includeCode?: boolean;
  /** Add stdout and stderr (masked as the program's output always is) to each line. @default false */
  includeOutput?: boolean;
  /**
   * Told once when a line could not be written (a full disk, a read-only directory). The execution it describes
   * goes on regardless: an audit log must never be why a run failed. @default a line on stderr
   */
  onWarning?: (message: string) => void;
}

/** One execution, as the audit log records it. */
export interface AuditEntry {
  /** When the execution was asked for (ISO 8601). */
  time: string;
  runtime: string;
  /** The session it ran in, if any. */
  session?: string;
  image?: string;
  /** The image's content-addressed id: what ran, even after its tag moved. */
  imageId?: string;
  limits?: Record<string, number>;
  network?: { mode: string; allow: string[]; deny: string[] };
  /** "completed": the program ran (whatever its exit code); "failed": the engine refused or failed first. */
  outcome: "completed" | "failed";
  error?: { code: string; message: string };
  exitCode?: number;
  signal?: string;
  timedOut?: boolean;
  oomKilled?: boolean;
  truncated?: boolean;
  durations?: Record<string, number>;
  stdoutBytes?: number;
  stderrBytes?: number;
  /** SHA-256 of the code, hex: which program ran, without keeping it. */
  codeSha256: string;
  packages: string[];
  installed?: string[];
  setupCommands: number;
  /** Names only: values never reach the log. */
  env: string[];
  secrets: string[];
  code?: string;
  stdout?: string;
  stderr?: string;
}

export interface AuditLog {
  readonly options: Required<Omit<AuditLogOptions, "onWarning">>;
  /** Appends one line; resolves once written or given up on (never rejects). */
  record(entry: AuditEntry, secrets?: readonly string[]): Promise<void>;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * An append-only JSON-lines log with rotation by size. Lines are appended with one write each (O_APPEND), so
 * several isol8 processes can share the file; rotation is a rename, so a reader never sees half a file.
 */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  const settings = {
    file: options.file,
    maxBytes: options.maxBytes ?? 10 * 1024 * 1024,
    keep: options.keep ?? 5,
    includeCode: options.includeCode ?? false,
    includeOutput: options.includeOutput ?? false,
  };
  const warn =
    options.onWarning ?? ((message: string) => process.stderr.write(`[isol8] warning: ${message}\n`));
  let warned = false;

  async function rotateIfFull(incoming: number): Promise<void> {
    const size = await stat(settings.file).then(
      (info) => (info.isFile() ? info.size : 0),
      () => 0,
    );
    if (size === 0 || size + incoming <= settings.maxBytes) return;
    await rm(`${settings.file}.${settings.keep}`, { force: true });
    for (let index = settings.keep - 1; index >= 1; index--) {
      await rename(`${settings.file}.${index}`, `${settings.file}.${index + 1}`).catch(() => undefined);
    }
    await rename(settings.file, `${settings.file}.1`);
  }

  return {
    options: settings,
    async record(entry, secrets = []) {
      const line = `${JSON.stringify(masked(entry, secrets))}\n`;
      try {
        await mkdir(dirname(settings.file), { recursive: true });
        await rotateIfFull(Buffer.byteLength(line));
        await appendFile(settings.file, line);
      } catch (error) {
        if (warned) return;
        warned = true;
        warn(
          `could not write the audit log ${settings.file} (${(error as Error).message}); runs go on without it`,
        );
      }
    },
  };
}

/** The entry with every secret value in its free text replaced by ***, as the program's output is. */
function masked(entry: AuditEntry, secrets: readonly string[]): AuditEntry {
  const values = secrets.filter((secret) => secret.length > 0);
  if (values.length === 0) return entry;
  const mask = (text: string | undefined) =>
    text === undefined ? undefined : values.reduce((out, secret) => out.replaceAll(secret, "***"), text);
  return {
    ...entry,
    ...(entry.code === undefined ? {} : { code: mask(entry.code) }),
    ...(entry.stdout === undefined ? {} : { stdout: mask(entry.stdout) }),
    ...(entry.stderr === undefined ? {} : { stderr: mask(entry.stderr) }),
    ...(entry.error ? { error: { code: entry.error.code, message: mask(entry.error.message) ?? "" } } : {}),
  };
}
