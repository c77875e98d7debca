import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";

export interface SetupArguments {
  runtime: string[];
  force: boolean;
  json: boolean;
  config?: string;
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
const OWN_OPTIONS = new Set(["runtime", "r", "force", "json", "config", "help", "h", "version"]);

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
        .option("json", { type: "boolean", default: false, describe: "Print the report as JSON" });
      for (const { name, packageKind } of bakeOptions) {
        if (OWN_OPTIONS.has(name)) continue;
        parser = parser.option(name, {
          type: "string",
          describe: `${packageKind} to bake for ${name}, comma-separated; recorded for this project`,
        });
      }
      return parser
        .example("$0 setup", "Build every runtime image (skipped when up to date)")
        .example(
          "$0 setup --python numpy,pandas",
          "Bake packages into isol8:python-custom-<hash>",
        ) as unknown as Argv<SetupArguments>;
    },
    handler: async (args: ArgumentsCamelCase<SetupArguments>) => {
      const { setupAction } = await import("../actions/setup.js");
      setExitCode(await setupAction(args));
    },
  };
}
