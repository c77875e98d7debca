import { posix } from "node:path";
import { Isol8Error } from "./errors.js";
import { type ExecutionRequest, type ExecutionRequestInput, executionRequestSchema } from "./execution.js";
import { validatePackageNames } from "./package-names.js";
import type { RuntimeRegistry } from "./registry.js";
import type { RuntimeDefinition } from "./runtime.js";
import { validateNetworkRequest } from "./validate-network.js";
import { formatZodIssues } from "./zod-issues.js";

export interface ValidatedRequest {
  request: ExecutionRequest;
  runtime: RuntimeDefinition;
  fileName: string;
  workdir: string;
}

/**
 * Checks everything about a request that can be checked without a backend (Docker, Kubernetes), so bad input leaves
 * no trace.
 */
export function validateRequest(input: ExecutionRequestInput, runtimes: RuntimeRegistry): ValidatedRequest {
  const parsed = executionRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new Isol8Error("INVALID_INPUT", `Invalid request: ${formatZodIssues(parsed.error).join("; ")}`);
  }
  const request = parsed.data;
  const runtime = runtimes.get(request.runtime);
  const fileName = request.fileName ?? runtime.inlineFileName;
  const extension = posix.extname(fileName).toLowerCase();
  const runnable = [...runtime.extensions, ...(runtime.alsoRuns ?? [])];
  if (request.fileName && !runnable.includes(extension)) {
    throw new Isol8Error(
      "INVALID_INPUT",
      `The ${runtime.name} runtime does not run "${extension || fileName}" files`,
      {
        hint: `Give a file ending in ${runnable.join(", ")}, or pick the runtime with --runtime.`,
      },
    );
  }
  const workdir = posix.resolve("/sandbox", request.workdir);
  if (workdir !== "/sandbox" && !workdir.startsWith("/sandbox/")) {
    throw new Isol8Error("INVALID_INPUT", `Workdir "${request.workdir}" is outside /sandbox`, {
      hint: "Give a directory inside /sandbox, e.g. /sandbox/app.",
    });
  }
  for (const file of request.files) assertInsideSandbox(file.path);
  validatePackageNames(runtime, request.install);
  validateNetworkRequest(request, runtime);
  return { request, runtime, fileName, workdir };
}

/**
 * The agent refuses the same paths (and symbolic links); checking here first keeps bad input free of side effects.
 */
export function assertInsideSandbox(path: string): void {
  const inside =
    !path.split("/").includes("..") &&
    (!path.startsWith("/") || path === "/sandbox" || path.startsWith("/sandbox/"));
  if (!inside) {
    throw new Isol8Error("INVALID_INPUT", `File path "${path}" leads outside /sandbox`, {
      hint: 'Give a path relative to /sandbox, or absolute under /sandbox/, without "..".',
    });
  }
}
