import { z } from "zod";

/**
 * The tools' input and output schemas. The SDK turns them into the JSON Schemas clients see in `tools/list` and
 * validates every call's arguments and every result's structuredContent against them.
 */

/** A session's name as a client sees it: short, so that the engine's name for it stays within its bounds. */
export const SESSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,12}$/;

const encodingSchema = z
  .enum(["utf8", "base64"])
  .describe('How `content` is written: "utf8" text or "base64" bytes');

const fileSchema = z.object({
  path: z.string().min(1).describe("Path relative to /sandbox"),
  content: z.string().describe("The file's content"),
  encoding: encodingSchema.default("utf8"),
  executable: z.boolean().default(false).describe("Make the file executable"),
});

const runFields = {
  code: z.string().describe("The program's source code"),
  packages: z
    .array(z.string().min(1))
    .default([])
    .describe("Packages to install before the run (pip names for python, npm names for node, …)"),
  files: z.array(fileSchema).default([]).describe("Files to place into /sandbox before the run"),
  timeoutMs: z.number().int().positive().optional().describe("Wall-clock limit of the program, in ms"),
  stdin: z.string().optional().describe("Data fed to the program's standard input"),
};

const sessionField = z.string().describe("A session name that session_create returned");

export const runCodeInput = {
  runtime: z.string().min(1).describe('A runtime name from list_runtimes ("python", "node", …)'),
  ...runFields,
};

export const runShellInput = {
  command: z.string().min(1).describe("A bash command line"),
  files: runFields.files,
  timeoutMs: runFields.timeoutMs,
  stdin: runFields.stdin,
};

export const sessionCreateInput = {
  runtime: runCodeInput.runtime,
  name: z
    .string()
    .regex(SESSION_NAME, "must be 1-13 letters, digits, '-' or '_', starting with a letter or digit")
    .optional()
    .describe("A name of your choosing; the running session of that name is returned if there is one"),
};

export const sessionRunInput = { session: sessionField, ...runFields };

export const sessionStopInput = { session: sessionField };

export const writeFileInput = {
  session: sessionField,
  path: fileSchema.shape.path,
  content: fileSchema.shape.content,
  encoding: fileSchema.shape.encoding,
  executable: fileSchema.shape.executable,
};

export const readFileInput = {
  session: sessionField,
  path: fileSchema.shape.path,
  encoding: encodingSchema
    .optional()
    .describe('"utf8" or "base64"; when left out, utf8 for text and base64 for anything else'),
};

export const runOutput = {
  stdout: z.string(),
  stderr: z.string(),
  exitCode: z.number().int().describe("The program's exit code; 128+n when signal n ended it"),
  timedOut: z.boolean().describe("The program was killed at its timeout"),
  truncated: z.boolean().describe("Output went past the output limit; the program was stopped there"),
  oomKilled: z.boolean().describe("The program ran out of memory and was killed"),
  durationMs: z.number().describe("From the call to the result"),
};
export type RunOutput = z.infer<z.ZodObject<typeof runOutput>>;

export const sessionCreateOutput = {
  session: z.string().describe("Pass this to session_run, write_file, read_file and session_stop"),
  runtime: z.string(),
  created: z.boolean().describe("False when a running session of that name was returned"),
};

export const sessionStopOutput = { session: z.string(), stopped: z.literal(true) };

export const writeFileOutput = { path: z.string(), bytes: z.number().int() };

export const readFileOutput = {
  path: z.string(),
  content: z.string(),
  encoding: z.enum(["utf8", "base64"]),
  bytes: z.number().int(),
};

export const listRuntimesOutput = {
  runtimes: z.array(
    z.object({
      name: z.string(),
      extensions: z.array(z.string()),
      versions: z.record(z.string(), z.string()),
    }),
  ),
};

export type FileInput = z.infer<typeof fileSchema>;
