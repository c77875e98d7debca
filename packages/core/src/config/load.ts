import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { Isol8Error } from "../errors.js";
import { formatZodIssues } from "../zod-issues.js";
import { jsonErrorLocation } from "./json-position.js";
import { type ConfigSource, type ResolvedConfig, resolveConfig } from "./resolve.js";
import { type ConfigFile, configFileSchema } from "./schema.js";

/** The file looked for in the working directory. */
export const CONFIG_FILE_NAME = "isol8.config.json";

export interface LoadConfigOptions {
  /** An explicit config file (`--config`); it must exist. Relative to `cwd`. */
  path?: string;
  /** Where `isol8.config.json` is looked for. @default process.cwd() */
  cwd?: string;
  /** Source of ISOL8_EXTRA_CA_CERTS and ISOL8_OS_IMAGE. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Home directory holding `.isol8/config.json`. @default os.homedir() */
  homeDir?: string;
}

export interface LoadedConfig {
  config: ResolvedConfig;
  /** Where each setting came from, by dotted key ("defaults.memory", "extraCaCertificates"). */
  sources: Record<string, ConfigSource>;
  /** The absolute path of the file that was read, or undefined when only defaults apply. */
  file: string | undefined;
}

/**
 * Reads the configuration: the explicit `path`, else `<cwd>/isol8.config.json`, else `<home>/.isol8/config.json`,
 * else defaults only; then applies ISOL8_EXTRA_CA_CERTS and ISOL8_OS_IMAGE from the environment.
 * Throws FILE_NOT_FOUND for a missing explicit file and CONFIG_INVALID listing every problem of a bad one.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const homeDir = options.homeDir ?? homedir();
  const found = options.path === undefined ? search(cwd, homeDir) : explicit(cwd, options.path);
  const parsed = found === undefined ? undefined : validate(found.file, found.text);
  const baseDir = found === undefined ? cwd : dirname(found.file);
  const userCertificates = userCertificatesBesides(found?.file, homeDir);
  return { ...resolveConfig(parsed, { baseDir, cwd, env, userCertificates }), file: found?.file };
}

/**
 * The user config's `extraCaCertificates` when a project's config is the one in use (`tooling/quickstart.sh` records
 * a TLS-intercepting proxy's CA there). A user config that cannot be read or parsed is reported when it is the
 * config in use, not here.
 */
function userCertificatesBesides(inUse: string | undefined, homeDir: string): string[] {
  const file = join(homeDir, ".isol8", "config.json");
  if (inUse === file) return [];
  try {
    const parsed = configFileSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    const paths = parsed.success ? (parsed.data.extraCaCertificates ?? []) : [];
    return paths.map((path) => resolve(dirname(file), path));
  } catch {
    return [];
  }
}

interface FoundFile {
  file: string;
  text: string;
}

function explicit(cwd: string, path: string): FoundFile {
  const file = resolve(cwd, path);
  const text = read(file);
  if (text === undefined) {
    throw new Isol8Error("FILE_NOT_FOUND", `Config file ${file} does not exist`, {
      hint: "Check the --config path, or leave it out to use ./isol8.config.json.",
    });
  }
  return { file, text };
}

function search(cwd: string, homeDir: string): FoundFile | undefined {
  for (const file of [join(cwd, CONFIG_FILE_NAME), join(homeDir, ".isol8", "config.json")]) {
    const text = read(file);
    if (text !== undefined) return { file, text };
  }
  return undefined;
}

/** The file's text, or undefined when it does not exist; other read failures are errors, not "absent". */
function read(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new Isol8Error(
      "FILE_NOT_FOUND",
      `Config file ${file} cannot be read: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function validate(file: string, text: string): ConfigFile {
  // Editors on Windows may save a byte-order mark, which JSON.parse refuses.
  const json = text.replace(/^\uFEFF/, "");
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    const { line, column } = jsonErrorLocation(json);
    throw new Isol8Error(
      "CONFIG_INVALID",
      `${file} is not valid JSON at line ${line}, column ${column}: ${(error as Error).message}`,
      { cause: error, hint: "Comments and trailing commas are not allowed in JSON." },
    );
  }
  const result = configFileSchema.safeParse(data);
  if (result.success) return result.data;
  const problems = formatZodIssues(new z.ZodError(result.error.issues.flatMap(readable)));
  throw new Isol8Error(
    "CONFIG_INVALID",
    [`${CONFIG_FILE_NAME} is invalid:`, ...problems.map((p) => `  ${p}`)].join("\n"),
    {
      hint: `Fix them in ${file}.`,
    },
  );
}

/**
 * zod reports unknown keys against their parent ("(root): Unrecognized key") and bad record keys without the reason;
 * naming the key and the reason reads better next to the other `path: message` lines. Record keys are only ever
 * runtime names in this file.
 */
function readable(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      code: "custom",
      path: [...issue.path, key],
      message: "unknown key",
      input: key,
    }));
  }
  if (issue.code === "invalid_key") {
    return issue.issues.map((inner) => ({
      code: "custom",
      path: issue.path,
      message: `runtime name ${inner.message}`,
      input: issue.input,
    }));
  }
  return [issue];
}
