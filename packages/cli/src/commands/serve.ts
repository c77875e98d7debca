import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";

export interface ServeArguments {
  port: number;
  host: string;
  keys?: string;
  policy?: string;
  drain: string;
  config?: string;
}

export function serveCommand(setExitCode: (code: number) => void): CommandModule<object, ServeArguments> {
  return {
    command: "serve",
    describe: "Serve the sandbox over HTTP: API keys per tenant, server-side policy, one warm engine",
    builder: (yargs: Argv) =>
      yargs
        .option("port", { type: "number", default: 8080, describe: "Port to listen on" })
        .option("host", {
          type: "string",
          default: "127.0.0.1",
          describe: "Address to listen on (0.0.0.0 for every interface: put TLS in front)",
        })
        .option("keys", {
          type: "string",
          describe:
            "Key store: a SQLite file, or a postgres:// URL [default: $XDG_STATE_HOME/isol8/keys.sqlite]",
        })
        .option("policy", {
          type: "string",
          describe: "JSON file with the tenants' defaults and ceilings and the queue bounds (docs/server.md)",
        })
        .option("drain", {
          type: "string",
          default: "30s",
          describe: "On SIGTERM, how long running executions may finish before they are cancelled",
        })
        .example("ISOL8_ADMIN_KEY=$(isol8 keys generate) $0 serve --port 8080", "Serve on loopback")
        .epilogue(
          "The admin key (ISOL8_ADMIN_KEY) manages keys over HTTP; tenants' keys come from `isol8 keys create`.",
        ) as unknown as Argv<ServeArguments>,
    handler: async (args: ArgumentsCamelCase<ServeArguments>) => {
      const { serveAction } = await import("../actions/serve.js");
      setExitCode(await serveAction(args));
    },
  };
}
