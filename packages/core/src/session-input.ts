import type { SessionExecutionInput } from "./engine.js";
import { Isol8Error } from "./errors.js";
import { type SandboxFile, type SandboxFileInput, sandboxFileSchema } from "./execution.js";
import type { RuntimeRegistry } from "./registry.js";
import type { RuntimeDefinition } from "./runtime.js";
import { assertInsideSandbox, type ValidatedRequest, validateRequest } from "./validate-request.js";
import { formatZodIssues } from "./zod-issues.js";

/**
 * An execution in a session, checked as every engine checks it before it touches the session's sandbox: the
 * session's runtime (a different one is refused), and nothing that belongs to a sandbox of its own (`sandbox`
 * names it in the message: "container", "pod").
 */
export function validateSessionExecution(
  session: { name: string; runtime: RuntimeDefinition },
  input: SessionExecutionInput,
  runtimes: RuntimeRegistry,
  sandbox: string,
): ValidatedRequest {
  const { name, runtime } = session;
  if (input.runtime !== undefined && input.runtime !== runtime.name) {
    throw new Isol8Error("INVALID_INPUT", `Session "${name}" runs ${runtime.name}, not ${input.runtime}`);
  }
  const unsupported = input as { image?: unknown; persist?: unknown };
  if (unsupported.image !== undefined || unsupported.persist) {
    throw new Isol8Error(
      "INVALID_INPUT",
      `A session runs in its own ${sandbox}: --image and --persist do not apply`,
    );
  }
  return validateRequest({ ...input, runtime: runtime.name }, runtimes);
}

/** Files for a session's writeFiles, each valid and inside /sandbox, or INVALID_INPUT before any is written. */
export function validateSessionFiles(files: SandboxFileInput[]): SandboxFile[] {
  return files.map((file) => {
    const result = sandboxFileSchema.safeParse(file);
    if (!result.success) {
      throw new Isol8Error("INVALID_INPUT", `Invalid file: ${formatZodIssues(result.error).join("; ")}`);
    }
    assertInsideSandbox(result.data.path);
    return result.data;
  });
}
