import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";

export interface SetupArguments {
  runtime: string[];
  force: boolean;
  json: boolean;
  config?: string;
  /** Per-runtime package lists: --python numpy,pandas --node lodash … (one option per registered runtime). */
  [runtimePackages: string]: unknown;
}

export function setupCommand(setExitCode: (code: number) => void): CommandModule<object, SetupArguments> {
  return {
    command: "setup",
    describe: "Build the base and runtime images, and custom images with baked packages",
    builder: (yargs: Argv) =>
      yargs
        .option("runtime", {
          alias: "r",
          type: "string",
          array: true,
          default: [],
          describe: "Runtimes to set up, comma-separated or repeated [default: all]",
        })
        .option("force", { type: "boolean", default: false, describe: "Rebuild even when up to date" })
        .option("json", { type: "boolean", default: false, describe: "Print the report as JSON" })
        .option("python", { type: "string", describe: "Python packages to bake, comma-separated" })
        .option("node", { type: "string", describe: "npm packages to bake for node, comma-separated" })
        .option("bun", { type: "string", describe: "npm packages to bake for bun, comma-separated" })
        .option("deno", {
          type: "string",
          describe: "npm:/jsr: specifiers to bake for deno, comma-separated",
        })
        .option("bash", { type: "string", describe: "Debian packages to bake for bash, comma-separated" })
        .example("$0 setup", "Build every runtime image (skipped when up to date)")
        .example("$0 setup --python numpy,pandas", "Bake packages into isol8:python-custom-<hash>")
        .strict(false) as unknown as Argv<SetupArguments>,
    handler: async (args: ArgumentsCamelCase<SetupArguments>) => {
      const { setupAction } = await import("../actions/setup.js");
      setExitCode(await setupAction(args));
    },
  };
}
