import { z } from "zod";

/**
 * What a runtime plugin contributes. Plain data (plus a few pure functions that build argv arrays), produced by a
 * factory such as `python(options)` and validated by `createRuntimeRegistry`. Nothing outside a plugin switches on
 * a runtime's name: everything runtime-specific lives here.
 */
export interface RuntimeDefinition {
  /** Lower-case identifier used by `--runtime` and in image tags (`isol8:<name>`). */
  name: string;
  /** File extensions this runtime owns when picking a runtime from a file name (".py"). No two runtimes share one. */
  extensions: string[];
  /**
   * Extensions this runtime also runs when asked for by name, without owning them
   * (deno runs ".ts" with `--runtime deno` although bun owns ".ts").
   * @default []
   */
  alsoRuns?: string[];
  /** File name given to inline code (`-e`, stdin) inside /sandbox, e.g. "main.py". */
  inlineFileName: string;
  /** Pinned versions of what the image contains, for display and for the image's build hash. */
  versions: Record<string, string>;
  /**
   * Dockerfile instructions that turn `isol8:base` into `isol8:<name>`; the engine prepends the FROM line.
   * The base ends as `USER sandbox`: switch to `USER root` for installs and end with `USER sandbox` again.
   */
  dockerfile: string;
  /**
   * Extra files for the build context, by relative path (the fragment can COPY them).
   * @default {}
   */
  contextFiles?: Record<string, string>;
  /** Where run-time installs land, under /sandbox (the root filesystem is read-only, /tmp is noexec). */
  globalInstallPath: string;
  /**
   * Environment of both the install and the run, making installed packages visible.
   * @default {}
   */
  env?: Record<string, string>;
  /**
   * Directories put in front of PATH for both install and run.
   * @default []
   */
  path?: string[];
  /** argv that installs packages at run time, as the sandbox user, into `globalInstallPath`. */
  install: (packages: string[]) => string[];
  /** argv that bakes packages into a custom image (a Dockerfile RUN, as root). */
  bake: (packages: string[]) => string[];
  /** argv that runs a file inside /sandbox. */
  runFile: (file: string) => string[];
  /** argv that runs inline code directly, where the runtime has that (`python3 -c`). */
  runInline?: (code: string) => string[];
  /**
   * Host-name patterns the package manager needs to reach during installs ("pypi.org", "*.npmjs.org").
   * @default []
   */
  registries?: string[];
  /**
   * Runtime-specific package-name check, run after the generic one in core. Returns a reason when the name is not
   * acceptable to this package manager, else undefined.
   */
  validatePackage?: (name: string) => string | undefined;
  /**
   * What this runtime's packages are, in a few words ("PyPI packages", "Debian packages"). `isol8 setup --<name>`
   * offers them in its help and hints name them. @default "<name> packages"
   */
  packageKind?: string;
  /**
   * The module or command a failed program's stderr says it could not find (`numpy` from `ModuleNotFoundError: No
   * module named 'numpy'`), so that isol8 can tell when the code asked for another runtime's package. Relative
   * imports are not packages: return undefined for them.
   */
  missingModule?: (stderr: string) => string | undefined;
  /**
   * The comparable name of one of this runtime's package specs or imports: version, extras and subpath dropped,
   * spelling folded as the registry folds it (`Typing_Extensions==4` → `typing-extensions`).
   * @default lower-case, cut at the first character that starts a version
   */
  packageName?: (spec: string) => string;
  /**
   * A few widely used packages of this runtime's registry ("lodash", "express"): asked of another runtime, they get
   * the "verify the runtime/package pairing" hint even when no config lists them. @default []
   */
  wellKnownPackages?: string[];
}

const argvBuilder = z.custom<(input: never) => string[]>((value) => typeof value === "function", {
  message: "must be a function returning an argv array",
});

const extension = z.string().regex(/^\.[a-z0-9]+$/i, 'must look like ".py"');

/** The zod schema of a runtime definition; third-party plugins are checked against it at registration. */
export const runtimeDefinitionSchema = z.object({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, "must be lower-case letters, digits and dashes, starting with a letter"),
  extensions: z.array(extension).min(1, "must list at least one file extension"),
  alsoRuns: z.array(extension).optional(),
  inlineFileName: z.string().regex(/^[A-Za-z0-9._-]+$/, "must be a plain file name"),
  versions: z.record(z.string(), z.string()),
  dockerfile: z.string().min(1, "must not be empty"),
  contextFiles: z.record(z.string(), z.string()).optional(),
  globalInstallPath: z.string().regex(/^\/sandbox(\/|$)/, "must be under /sandbox"),
  env: z.record(z.string(), z.string()).optional(),
  path: z.array(z.string().startsWith("/", "must be absolute")).optional(),
  install: argvBuilder,
  bake: argvBuilder,
  runFile: argvBuilder,
  runInline: argvBuilder.optional(),
  registries: z.array(z.string()).optional(),
  validatePackage: z
    .custom<(name: string) => string | undefined>((value) => typeof value === "function")
    .optional(),
  packageKind: z.string().min(1).max(60).optional(),
  missingModule: z
    .custom<(stderr: string) => string | undefined>((value) => typeof value === "function", {
      message: "must be a function returning the missing module's name or undefined",
    })
    .optional(),
  packageName: z
    .custom<(spec: string) => string>((value) => typeof value === "function", {
      message: "must be a function returning a package name",
    })
    .optional(),
  wellKnownPackages: z.array(z.string().min(1)).optional(),
});

/** Gives a runtime definition its type. Validation happens in `createRuntimeRegistry`. */
export function defineRuntime(definition: RuntimeDefinition): RuntimeDefinition {
  return definition;
}

/** The files a runtime image's build hash must cover: the fragment, its context files and its pins. */
export function runtimeImageInputs(runtime: RuntimeDefinition): Record<string, unknown> {
  return {
    name: runtime.name,
    dockerfile: runtime.dockerfile,
    contextFiles: runtime.contextFiles ?? {},
    versions: runtime.versions,
    env: runtime.env ?? {},
    path: runtime.path ?? [],
  };
}
