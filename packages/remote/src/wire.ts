import {
  type DownloadedFile,
  type ExecutionEvent,
  type ExecutionRequestInput,
  type ExecutionResult,
  Isol8Error,
  type SandboxFileInput,
  type SessionExecutionInput,
} from "@isol8/core";
import { z } from "zod";

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const bytes = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

export function filesToWire(files: readonly SandboxFileInput[]) {
  return files.map((file) => ({
    path: file.path,
    content: base64(file.content),
    ...(file.executable === undefined ? {} : { executable: file.executable }),
  }));
}

/**
 * A library request as the server takes it. A server never keeps a container for a client nor runs an image
 * isol8 did not build, so asking for either is refused here, before anything is sent.
 */
export function requestToWire(
  request: ExecutionRequestInput | SessionExecutionInput,
): Record<string, unknown> {
  const { files, ...rest } = request;
  if ("persist" in rest && rest.persist) {
    throw new Isol8Error("INVALID_INPUT", "persist is not available on a remote engine", {
      hint: "A server removes every sandbox after its run; use a session to keep state.",
    });
  }
  if ("allowForeignImage" in rest && rest.allowForeignImage) {
    throw new Isol8Error("INVALID_INPUT", "allowForeignImage is not available on a remote engine", {
      hint: "Ask the server's operator to allow the image in the policy.",
    });
  }
  const wire: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined && key !== "persist" && key !== "allowForeignImage") wire[key] = value;
  }
  if (files !== undefined) wire.files = filesToWire(files);
  return wire;
}

const downloadedFileSchema = z.object({
  path: z.string(),
  content: z.string().optional(),
  error: z.string().optional(),
});

export const resultSchema = z.object({
  exitCode: z.number(),
  signal: z.string().optional(),
  stdout: z.string(),
  stderr: z.string(),
  truncated: z.boolean(),
  timedOut: z.boolean(),
  oomKilled: z.boolean(),
  durations: z.object({
    totalMs: z.number(),
    sandboxMs: z.number(),
    installMs: z.number(),
    runMs: z.number(),
    setupMs: z.number().optional(),
  }),
  image: z.string(),
  imageId: z.string().optional(),
  imageMatch: z.enum(["explicit", "exact", "superset", "partial", "runtime", "session"]).optional(),
  installed: z.array(z.string()),
  files: z.array(downloadedFileSchema),
  network: z
    .array(
      z.object({
        host: z.string(),
        port: z.number(),
        method: z.string(),
        allowed: z.boolean(),
        reason: z.enum(["denied", "not-allowed", "port", "address"]).optional(),
        status: z.number().optional(),
        durationMs: z.number(),
      }),
    )
    .optional(),
});

export const sessionSchema = z.object({
  id: z.string(),
  runtime: z.string(),
  state: z.string(),
  createdAt: z.string(),
});

export const runtimesSchema = z.object({
  runtimes: z.array(
    z.object({
      name: z.string(),
      extensions: z.array(z.string()),
      versions: z.record(z.string(), z.string()),
    }),
  ),
});

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }),
});

export function filesFromWire(files: z.infer<typeof downloadedFileSchema>[]): DownloadedFile[] {
  return files.map((file) => {
    const downloaded: DownloadedFile = { path: file.path };
    if (file.content !== undefined) downloaded.content = bytes(file.content);
    if (file.error !== undefined) downloaded.error = file.error;
    return downloaded;
  });
}

export function resultFromWire(wire: z.infer<typeof resultSchema>): ExecutionResult {
  const { files, signal, network, ...rest } = wire;
  const result: ExecutionResult = { ...rest, signal, files: filesFromWire(files), containerId: undefined };
  if (network !== undefined) result.network = network;
  return result;
}

const streamEventSchemas = {
  stdout: z.object({ data: z.string() }),
  stderr: z.object({ data: z.string() }),
  phase: z.object({
    phase: z.enum(["sandbox", "install", "setup", "run"]),
    detail: z.string().optional(),
  }),
} as const;

/** An SSE event as an ExecutionEvent; an `error` event becomes the thrown Isol8Error (by the caller). */
export function eventFromWire(name: string, data: unknown): ExecutionEvent | undefined {
  if (name === "stdout" || name === "stderr") {
    return { type: name, data: streamEventSchemas[name].parse(data).data };
  }
  if (name === "phase") {
    const { phase, detail } = streamEventSchemas.phase.parse(data);
    return detail === undefined ? { type: "phase", phase } : { type: "phase", phase, detail };
  }
  if (name === "result") return { type: "result", result: resultFromWire(resultSchema.parse(data)) };
  return undefined;
}

/**
 * A frame of the WebSocket route, checked only as far as its type: its fields are checked by `eventFromWire`
 * (output, phase, result) or `errorFromBody` (error), as the SSE events' are.
 */
export const socketFrameSchema = z.looseObject({
  id: z.number(),
  type: z.string(),
  result: z.unknown().optional(),
});
