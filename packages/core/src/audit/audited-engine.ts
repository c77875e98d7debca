import type { ExecuteOptions, SandboxEngine, Session, SessionExecutionInput } from "../engine.js";
import { Isol8Error } from "../errors.js";
import {
  type ExecutionEvent,
  type ExecutionRequestInput,
  type ExecutionResult,
  executionRequestSchema,
} from "../execution.js";
import { type AuditEntry, type AuditLog, sha256Hex } from "./audit-log.js";

type AnyRequest = ExecutionRequestInput | (SessionExecutionInput & { runtime?: string });

/**
 * The same engine, with one audit line per execution — fresh or in a session, whole or streamed, completed or
 * refused. Works for any `SandboxEngine` (Docker, remote, Kubernetes); what else the engine offers is kept as is.
 */
export function auditEngine<E extends SandboxEngine>(engine: E, log: AuditLog): E {
  return {
    ...engine,
    execute: (request: ExecutionRequestInput, options?: ExecuteOptions) =>
      audited(log, request, undefined, () => engine.execute(request, options)),
    executeStream: (request: ExecutionRequestInput, options?: Omit<ExecuteOptions, "onEvent">) =>
      auditedStream(log, request, undefined, engine.executeStream(request, options)),
    session: async (name, sessionOptions) =>
      auditSession(await engine.session(name, sessionOptions), log, sessionOptions.runtime),
  };
}

function auditSession(session: Session, log: AuditLog, runtime: string): Session {
  const withRuntime = (request: SessionExecutionInput) => ({ runtime, ...request });
  return {
    name: session.name,
    runtime: session.runtime,
    execute: (request, options) =>
      audited(log, withRuntime(request), session.name, () => session.execute(request, options)),
    executeStream: (request, options) =>
      auditedStream(log, withRuntime(request), session.name, session.executeStream(request, options)),
    writeFiles: (files) => session.writeFiles(files),
    readFiles: (paths) => session.readFiles(paths),
    detach: () => session.detach(),
    stop: () => session.stop(),
  };
}

async function audited(
  log: AuditLog,
  request: AnyRequest,
  session: string | undefined,
  run: () => Promise<ExecutionResult>,
): Promise<ExecutionResult> {
  const time = new Date();
  try {
    const result = await run();
    await log.record(entryFor(log, request, session, time, { result }), secretsOf(request));
    return result;
  } catch (error) {
    await log.record(entryFor(log, request, session, time, { error }), secretsOf(request));
    throw error;
  }
}

async function* auditedStream(
  log: AuditLog,
  request: AnyRequest,
  session: string | undefined,
  events: AsyncIterable<ExecutionEvent>,
): AsyncIterable<ExecutionEvent> {
  const time = new Date();
  let recorded = false;
  try {
    for await (const event of events) {
      if (event.type === "result") {
        recorded = true;
        await log.record(entryFor(log, request, session, time, { result: event.result }), secretsOf(request));
      }
      yield event;
    }
  } catch (error) {
    if (!recorded) await log.record(entryFor(log, request, session, time, { error }), secretsOf(request));
    throw error;
  }
}

function secretsOf(request: AnyRequest): string[] {
  return Object.values(request.secrets ?? {});
}

function entryFor(
  log: AuditLog,
  request: AnyRequest,
  session: string | undefined,
  time: Date,
  outcome: { result?: ExecutionResult; error?: unknown },
): AuditEntry {
  // The engine validates for itself; here the defaults are filled in so the line states the limits that applied.
  const parsed = executionRequestSchema.safeParse({ runtime: "", ...request });
  const normalized = parsed.success ? parsed.data : undefined;
  const code = typeof request.code === "string" ? request.code : "";
  const entry: AuditEntry = {
    time: time.toISOString(),
    runtime: request.runtime ?? "",
    ...(session ? { session } : {}),
    ...(normalized ? { limits: { ...normalized.limits }, network: { ...normalized.network } } : {}),
    outcome: outcome.result ? "completed" : "failed",
    codeSha256: sha256Hex(code),
    packages: [...(request.install ?? [])],
    setupCommands: request.setup?.length ?? 0,
    env: Object.keys(request.env ?? {}),
    secrets: Object.keys(request.secrets ?? {}),
  };
  const { result, error } = outcome;
  if (result) {
    Object.assign(entry, {
      image: result.image,
      ...(result.imageId ? { imageId: result.imageId } : {}),
      exitCode: result.exitCode,
      ...(result.signal ? { signal: result.signal } : {}),
      timedOut: result.timedOut,
      oomKilled: result.oomKilled,
      truncated: result.truncated,
      durations: { ...result.durations },
      stdoutBytes: Buffer.byteLength(result.stdout),
      stderrBytes: Buffer.byteLength(result.stderr),
      installed: [...result.installed],
    });
    if (log.options.includeOutput) Object.assign(entry, { stdout: result.stdout, stderr: result.stderr });
  } else {
    const code = error instanceof Isol8Error ? error.code : "INTERNAL";
    entry.error = { code, message: error instanceof Error ? error.message : String(error) };
  }
  if (log.options.includeCode) entry.code = code;
  return entry;
}
