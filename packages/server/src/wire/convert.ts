import type {
  DownloadedFile,
  ExecutionEvent,
  ExecutionResult,
  SandboxFileInput,
  SessionInfo,
} from "@isol8/core";
import type { ApiKeyRecord } from "../keys/key-store.js";
import type { WireExecutionResult } from "./execution-schemas.js";
import type { WireSession } from "./session-schemas.js";

type WireFile = { path: string; content: string; executable?: boolean | undefined };

export function filesFromWire(files: readonly WireFile[] | undefined): SandboxFileInput[] {
  return (files ?? []).map((file) => ({
    path: file.path,
    content: new Uint8Array(Buffer.from(file.content, "base64")),
    executable: file.executable ?? false,
  }));
}

export function downloadedFilesToWire(files: readonly DownloadedFile[]): WireExecutionResult["files"] {
  return files.map((file) => {
    const wire: WireExecutionResult["files"][number] = { path: file.path };
    if (file.content !== undefined) wire.content = Buffer.from(file.content).toString("base64");
    if (file.error !== undefined) wire.error = file.error;
    return wire;
  });
}

/** The result as JSON. The container id stays on the server: a tenant has no business with the backend's ids. */
export function resultToWire(result: ExecutionResult): WireExecutionResult {
  const wire: WireExecutionResult = {
    exitCode: result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
    truncated: result.truncated,
    timedOut: result.timedOut,
    oomKilled: result.oomKilled,
    durations: { ...result.durations },
    image: result.image,
    installed: [...result.installed],
    files: downloadedFilesToWire(result.files),
  };
  if (result.signal !== undefined) wire.signal = result.signal;
  if (result.imageId !== undefined) wire.imageId = result.imageId;
  if (result.imageMatch !== undefined) wire.imageMatch = result.imageMatch;
  if (result.network !== undefined) wire.network = result.network.map((entry) => ({ ...entry }));
  return wire;
}

/** An event's SSE name and JSON data. */
export function eventToWire(event: ExecutionEvent): { event: string; data: unknown } {
  switch (event.type) {
    case "stdout":
    case "stderr":
      return { event: event.type, data: { data: event.data } };
    case "phase":
      return {
        event: "phase",
        data:
          event.detail === undefined ? { phase: event.phase } : { phase: event.phase, detail: event.detail },
      };
    case "result":
      return { event: "result", data: resultToWire(event.result) };
  }
}

export function sessionToWire(
  id: string,
  info: Pick<SessionInfo, "runtime" | "state" | "createdAt">,
): WireSession {
  return { id, runtime: info.runtime, state: info.state, createdAt: info.createdAt.toISOString() };
}

export function keyRecordToWire(record: ApiKeyRecord) {
  return {
    id: record.id,
    name: record.name,
    tenant: record.tenant,
    createdAt: record.createdAt.toISOString(),
    ...(record.expiresAt ? { expiresAt: record.expiresAt.toISOString() } : {}),
    ...(record.revokedAt ? { revokedAt: record.revokedAt.toISOString() } : {}),
    quota: { ...record.quota },
  };
}
