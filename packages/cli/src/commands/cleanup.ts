import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";

export interface CleanupArguments {
  images: boolean;
  force: boolean;
  engine?: "docker" | "kubernetes";
  config?: string;
}

export function cleanupCommand(setExitCode: (code: number) => void): CommandModule<object, CleanupArguments> {
  return {
    command: "cleanup",
    describe:
      "Remove leftover isol8 containers and networks (and images with --images); nothing without isol8's labels",
    builder: (yargs: Argv) =>
      yargs
        .option("images", { type: "boolean", default: false, describe: "Also remove every isol8 image" })
        .option("engine", {
          type: "string",
          choices: ["docker", "kubernetes"],
          describe:
            "Clean up in the Kubernetes namespace instead: isol8's pods, network policies and egress proxy [default: config engine, docker]",
        })
        .option("force", {
          alias: "f",
          type: "boolean",
          default: false,
          describe: "Do not ask for confirmation",
        })
        .example(
          "$0 cleanup --force",
          "Remove leftover sandboxes without asking",
        ) as unknown as Argv<CleanupArguments>,
    handler: async (args: ArgumentsCamelCase<CleanupArguments>) => {
      const { cleanupAction } = await import("../actions/cleanup.js");
      setExitCode(await cleanupAction(args));
    },
  };
}
