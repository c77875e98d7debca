import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";

export interface ConfigArguments {
  json: boolean;
  config?: string;
}

export function configCommand(setExitCode: (code: number) => void): CommandModule<object, ConfigArguments> {
  return {
    command: "config",
    describe: "Print the resolved configuration and where each value came from",
    builder: (yargs: Argv) =>
      yargs.option("json", {
        type: "boolean",
        default: false,
        describe: "Print as JSON",
      }) as unknown as Argv<ConfigArguments>,
    handler: async (args: ArgumentsCamelCase<ConfigArguments>) => {
      const { configAction } = await import("../actions/config.js");
      setExitCode(await configAction(args));
    },
  };
}
