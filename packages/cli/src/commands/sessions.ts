import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";

export interface SessionsArguments {
  action: "list" | "stop";
  name?: string;
  all: boolean;
  json: boolean;
  engine?: "docker" | "kubernetes";
  config?: string;
}

export function sessionsCommand(
  setExitCode: (code: number) => void,
): CommandModule<object, SessionsArguments> {
  return {
    command: "sessions [action] [name]",
    describe: "List persistent sessions (run --session NAME), or stop one",
    builder: (yargs: Argv) =>
      yargs
        .positional("action", { choices: ["list", "stop"] as const, default: "list" as const })
        .positional("name", { type: "string", describe: "Session to stop" })
        .option("all", { type: "boolean", default: false, describe: "With stop: stop every session" })
        .option("json", { type: "boolean", default: false, describe: "Print the list as JSON" })
        .option("engine", {
          type: "string",
          choices: ["docker", "kubernetes"],
          describe:
            "The sessions of the Kubernetes namespace instead (pods) [default: config engine, docker]",
        })
        .example("$0 sessions", "List sessions")
        .example(
          "$0 sessions stop notebook",
          "Stop the session named notebook",
        ) as unknown as Argv<SessionsArguments>,
    handler: async (args: ArgumentsCamelCase<SessionsArguments>) => {
      const { sessionsAction } = await import("../actions/sessions.js");
      setExitCode(await sessionsAction(args));
    },
  };
}
