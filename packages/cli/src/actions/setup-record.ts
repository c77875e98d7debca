import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { LoadedConfig } from "@isol8/core";

/**
 * What `isol8 setup --<runtime> pkgs` baked for a project, so that a plain `isol8 run` there prefers that image
 * without a config file. Kept on this machine (like the images themselves), one file per project directory, in
 * `$XDG_STATE_HOME/isol8/projects/` (default `~/.local/state/isol8/projects/`).
 */
export interface SetupRecord {
  /** The project directory the record belongs to. */
  project: string;
  /** Packages per runtime, as setup last baked them. */
  dependencies: Record<string, string[]>;
  updatedAt: string;
}

/**
 * The project a command works for: the directory of the config file in use, unless that is the user-wide
 * `~/.isol8/config.json`; else the working directory.
 */
export function projectDirectory(loaded: LoadedConfig, cwd = process.cwd(), home = homedir()): string {
  if (loaded.file && loaded.file !== join(home, ".isol8", "config.json")) return dirname(loaded.file);
  return cwd;
}

export function setupRecordPath(project: string, env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  const key = createHash("sha256").update(project).digest("hex").slice(0, 16);
  return join(state, "isol8", "projects", `${key}.json`);
}

/** The project's record, or an empty one; a record that cannot be read counts as none (it is only a preference). */
export function readSetupRecord(project: string, env: NodeJS.ProcessEnv = process.env): SetupRecord {
  const empty = { project, dependencies: {}, updatedAt: "" };
  try {
    const parsed = JSON.parse(readFileSync(setupRecordPath(project, env), "utf8")) as Partial<SetupRecord>;
    if (parsed.project !== project || typeof parsed.dependencies !== "object" || !parsed.dependencies)
      return empty;
    const dependencies = Object.fromEntries(
      Object.entries(parsed.dependencies).filter(
        (entry): entry is [string, string[]] =>
          Array.isArray(entry[1]) && entry[1].every((spec) => typeof spec === "string"),
      ),
    );
    return { project, dependencies, updatedAt: String(parsed.updatedAt ?? "") };
  } catch {
    return empty;
  }
}

/** Records what setup baked (per runtime, replacing that runtime's entry); written atomically. */
export function writeSetupRecord(
  project: string,
  baked: Record<string, string[]>,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const record: SetupRecord = {
    project,
    dependencies: { ...readSetupRecord(project, env).dependencies, ...baked },
    updatedAt: new Date().toISOString(),
  };
  const file = setupRecordPath(project, env);
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(temporary, file);
  return file;
}

/** Where a run's default packages come from, in order of precedence. */
export type PackageSource = "image" | "config" | "setup" | "none";

/**
 * The packages a run of `runtime` needs before its own `--install`s: none when the user named the image (it is
 * theirs to choose), else the config's dependencies, else what setup baked for this project (`recorded`, the
 * project's record as `readSetupRecord` read it).
 */
export function defaultPackages(
  runtime: string,
  loaded: LoadedConfig,
  options: { explicitImage: boolean; recorded: Readonly<Record<string, string[]>> },
): { packages: string[]; source: PackageSource } {
  if (options.explicitImage) return { packages: [], source: "image" };
  const configured = loaded.config.dependencies[runtime];
  if (configured !== undefined) return { packages: configured, source: "config" };
  const baked = options.recorded[runtime];
  if (baked !== undefined && baked.length > 0) return { packages: baked, source: "setup" };
  return { packages: [], source: "none" };
}

/**
 * The packages each runtime is known to use in this project, outside any one run: the config's dependencies, and
 * for runtimes the config does not list, what setup baked here.
 */
export function listedPackages(
  loaded: LoadedConfig,
  recorded: Readonly<Record<string, string[]>>,
): Record<string, string[]> {
  return { ...recorded, ...loaded.config.dependencies };
}
