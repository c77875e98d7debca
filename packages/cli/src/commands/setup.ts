import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";

export interface SetupArguments {
  runtime: string[];
  force: boolean;
  json: boolean;
  config?: string;
  /** `--push REGISTRY`; "" for a bare `--push` (the config's `kubernetes.image.registry`). */
  push?: string;
  /** Per-runtime package lists: --python numpy,pandas --node lodash … (one option per registered runtime). */
  [runtimePackages: string]: unknown;
}

/** What `setup` needs to know of a runtime to offer its bake option. */
export interface BakeOption {
  name: string;
  /** The plugin's words for its packages ("PyPI packages"). */
  packageKind: string;
}

/** setup's own options: a runtime of that name gets no bake option (it could not be told apart). */
const OWN_OPTIONS = new Set(["runtime", "r", "force", "json", "push", "config", "help", "h", "version"]);

/** The words of `--push` in `isol8 setup --help`; docs/cli.md quotes them. */
export const PUSH_DESCRIPTION =
  "After the build, push every image setup reports to REGISTRY (host[:port][/path]) as REGISTRY/isol8:python and so on, with the docker CLI's stored login; a bare --push uses the config's kubernetes.image.registry";

/**
 * `isol8 setup`. Its `--<runtime> pkgs` options come from the runtime registry — the built-in plugins and those the
 * config names — so a third-party runtime is offered like a built-in one.
 */
export function setupCommand(
  setExitCode: (code: number) => void,
  bakeOptions: readonly BakeOption[],
): CommandModule<object, SetupArguments> {
  return {
    command: "setup",
    describe: "Build the base and runtime images, and custom images with baked packages",
    builder: (yargs: Argv) => {
      let parser = yargs
        .option("runtime", {
          alias: "r",
          type: "string",
          array: true,
          default: [],
          describe: "Runtimes to set up, comma-separated or repeated [default: all]",
        })
        .option("force", {
          type: "boolean",
          default: false,
          describe: "Rebuild every step even when up to date, without cached layers (fresh packages)",
        })
        .option("json", { type: "boolean", default: false, describe: "Print the report as JSON" })
        .option("push", { type: "string", requiresArg: false, describe: PUSH_DESCRIPTION });
      for (const { name, packageKind } of bakeOptions) {
        if (OWN_OPTIONS.has(name)) continue;
        parser = parser.option(name, {
          type: "string",
          describe: `${packageKind} to bake for ${name}, comma-separated; recorded for this project`,
        });
      }
      return parser
        .example("$0 setup", "Build every runtime image (skipped when up to date)")
        .example("$0 setup --python numpy,pandas", "Bake packages into isol8:python-custom-<hash>")
        .example(
          "$0 setup --python six --push 127.0.0.1:5000",
          "Build, then push the images to a registry",
        ) as unknown as Argv<SetupArguments>;
    },
    handler: async (args: ArgumentsCamelCase<SetupArguments>) => {
      const { setupAction } = await import("../actions/setup.js");
      setExitCode(await setupAction(args));
    },
  };
}
