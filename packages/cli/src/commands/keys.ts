import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";

export interface KeysArguments {
  action: "create" | "list" | "revoke" | "generate";
  id?: string;
  name?: string;
  tenant?: string;
  expires?: string;
  maxConcurrent?: number;
  maxSessions?: number;
  keys?: string;
  json: boolean;
  config?: string;
}

export function keysCommand(setExitCode: (code: number) => void): CommandModule<object, KeysArguments> {
  return {
    command: "keys <action> [id]",
    describe:
      "Manage the API keys of `isol8 serve`: create (shown once), list, revoke; generate an admin key",
    builder: (yargs: Argv) =>
      yargs
        .positional("action", { choices: ["create", "list", "revoke", "generate"] as const })
        .positional("id", { type: "string", describe: "With revoke: the key's id (key_…)" })
        .option("name", { type: "string", describe: "With create: a label for people (ci, alice)" })
        .option("tenant", {
          type: "string",
          describe: "With create: the tenant the key acts for; with list: filter",
        })
        .option("expires", {
          type: "string",
          describe: "With create: when the key stops working, an ISO date or a duration from now (30d, 12h)",
        })
        .option("max-concurrent", {
          type: "number",
          describe: "With create: executions this key may run at once",
        })
        .option("max-sessions", {
          type: "number",
          describe: "With create: sessions its tenant may hold with it",
        })
        .option("keys", {
          type: "string",
          describe:
            "Key store: a SQLite file or a postgres:// URL [default: $XDG_STATE_HOME/isol8/keys.sqlite]",
        })
        .option("json", { type: "boolean", default: false, describe: "Print JSON" })
        .example(
          "$0 keys create --name ci --tenant acme --expires 90d",
          "A key for tenant acme (printed once)",
        )
        .example("$0 keys list", "Every key, revoked and expired ones included")
        .example("$0 keys revoke key_3n5…", "Revoke a key at once") as unknown as Argv<KeysArguments>,
    handler: async (args: ArgumentsCamelCase<KeysArguments>) => {
      const { keysAction } = await import("../actions/keys.js");
      setExitCode(await keysAction(args));
    },
  };
}
