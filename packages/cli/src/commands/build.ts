import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";

export interface BuildArguments {
  runtime: string;
  install: string[];
  setup: string[];
  tag: string;
  force: boolean;
  config?: string;
}

export function buildCommand(setExitCode: (code: number) => void): CommandModule<object, BuildArguments> {
  return {
    command: "build",
    describe: "Build a custom image with baked packages under a tag of your choice",
    builder: (yargs: Argv) =>
      yargs
        .option("runtime", {
          alias: "r",
          type: "string",
          demandOption: true,
          describe: "Runtime of the image",
        })
        .option("install", {
          alias: "i",
          type: "string",
          array: true,
          default: [],
          describe: "Package to bake (repeatable or comma-separated)",
        })
        .option("setup", {
          type: "string",
          array: true,
          default: [],
          describe:
            "Shell command, or a local script file, baked into the image after the packages, as root (repeatable)",
        })
        .option("tag", {
          type: "string",
          demandOption: true,
          describe: "Tag of the image, e.g. my-ml:latest",
        })
        .option("force", { type: "boolean", default: false, describe: "Rebuild even when up to date" })
        .example(
          "$0 build --runtime python --install numpy --tag my-ml:latest",
          "",
        ) as unknown as Argv<BuildArguments>,
    handler: async (args: ArgumentsCamelCase<BuildArguments>) => {
      const { buildAction } = await import("../actions/build.js");
      setExitCode(await buildAction(args));
    },
  };
}
