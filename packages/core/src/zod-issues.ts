import type { z } from "zod";

/** Formats zod issues as `path: message`, one per line, the way every isol8 validation error reads. */
export function formatZodIssues(error: z.ZodError, prefix = ""): string[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== "").join(".");
    return `${path || "(root)"}: ${issue.message}`;
  });
}
