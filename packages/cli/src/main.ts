import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { buildCommand } from "./commands/build.js";
import { cleanupCommand } from "./commands/cleanup.js";
import { configCommand } from "./commands/config.js";
import { keysCommand } from "./commands/keys.js";
import { mcpCommand } from "./commands/mcp.js";
import { runCommand } from "./commands/run.js";
import { serveCommand } from "./commands/serve.js";
import { sessionsCommand } from "./commands/sessions.js";
import { type BakeOption, setupCommand } from "./commands/setup.js";
import { claimDeferredExtraCa, trustDeferredExtraCa } from "./deferred-extra-ca.js";
import { reportError } from "./report-error.js";
import { VERSION } from "./version.js";

/**
 * Parses argv and runs one command; resolves with the process exit code. Command modules stay light and import
 * their actions lazily, so `isol8 --version` and `--help` never load Docker or zod.
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  claimDeferredExtraCa();
  try {
    const command = commandOf(argv);
    if (mayUseTlsBeforeItKnows(command)) trustDeferredExtraCa();
    const bakeOptions = command === "setup" ? await loadBakeOptions(argv) : [];
    const helpAsked = argv.includes("--help") || argv.includes("-h");
    if (command !== undefined && ONE_SHOT_COMMANDS.has(command) && !helpAsked)
      await preferStartupToThroughput();
    const parser = yargs(hideBin(["node", "isol8", ...argv]));
    skipHelpRendering(parser);
    const commands: Record<string, () => unknown> = {
      run: () => parser.command(runCommand(setExitCode)),
      setup: () => parser.command(setupCommand(setExitCode, bakeOptions)),
      build: () => parser.command(buildCommand(setExitCode)),
      config: () => parser.command(configCommand(setExitCode)),
      cleanup: () => parser.command(cleanupCommand(setExitCode)),
      sessions: () => parser.command(sessionsCommand(setExitCode)),
      serve: () => parser.command(serveCommand(setExitCode)),
      keys: () => parser.command(keysCommand(setExitCode)),
      mcp: () => parser.command(mcpCommand(setExitCode)),
    };
    // A named command only needs its own module: yargs parses every registered command's usage up front. Help, a
    // typo or no command at all get them all (the command list, "did you mean").
    const named = command !== undefined && Object.hasOwn(commands, command) ? commands[command] : undefined;
    for (const register of named ? [named] : Object.values(commands)) register();
    await parser
      .scriptName("isol8")
      .usage("$0 <command> [options]\n\nRun untrusted code in hardened, disposable containers.")
      .option("config", { type: "string", describe: "Path of isol8.config.json", global: true })
      .demandCommand(1, "Name a command: run, setup, build, config, cleanup, sessions, serve, keys or mcp.")
      .strict()
      .version(VERSION)
      .help()
      .alias("h", "help")
      .wrap(Math.min(110, process.stdout.columns || 110))
      .fail((message, error) => {
        if (error) throw error;
        throw new UsageError(message);
      })
      .parseAsync();
  } catch (error) {
    return reportError(error);
  }
  return exitCode;
}

export class UsageError extends Error {}

/**
 * A local `run` makes a TLS connection only with --url, --host or the Kubernetes engine, and trusts the deferred
 * certificates there (deferred-extra-ca.ts); so does a Docker engine reached over TCP. Every other command trusts
 * them from the start.
 */
function mayUseTlsBeforeItKnows(command: string | undefined): boolean {
  if (command !== "run") return true;
  const dockerHost = process.env.DOCKER_HOST;
  return dockerHost !== undefined && dockerHost !== "" && !dockerHost.startsWith("unix://");
}

/** Commands that end when their work is done; serve and mcp run for long and keep zod's compiled parsers. */
const ONE_SHOT_COMMANDS = new Set(["run", "setup", "build", "config", "cleanup", "sessions", "keys"]);

/**
 * zod compiles a parser for each object schema the first time it parses (`new Function`), which pays for itself
 * only after many parses: a one-shot command parses each schema once or twice. Set before core builds its schemas.
 */
async function preferStartupToThroughput(): Promise<void> {
  const { config } = await import("zod");
  config({ jitless: true });
}

/** The first word that is not an option (or an option's value) — the command. */
function commandOf(argv: readonly string[]): string | undefined {
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] ?? "";
    if (word === "--config") index++;
    else if (!word.startsWith("-")) return word;
  }
  return undefined;
}

/**
 * The runtimes `setup` offers a `--<runtime>` option for: the registry's, third-party plugins of the config
 * included. Loaded only for `setup`, so that other commands' help stays free of config and plugin loading.
 */
async function loadBakeOptions(argv: readonly string[]): Promise<BakeOption[]> {
  const configAt = argv.findIndex((word) => word === "--config" || word.startsWith("--config="));
  const word = argv[configAt] ?? "";
  const configPath = configAt < 0 ? undefined : word.includes("=") ? word.slice(9) : argv[configAt + 1];
  const [{ loadCliRuntimes }, { packageKindOf }] = await Promise.all([
    import("./actions/context.js"),
    import("@isol8/core"),
  ]);
  const { runtimes } = await loadCliRuntimes(configPath);
  return runtimes.list().map((runtime) => ({ name: runtime.name, packageKind: packageKindOf(runtime) }));
}

/**
 * yargs renders its whole help text before it runs a command's handler, in case the handler asks for it: ~25 ms of
 * every `isol8 run`. isol8's handlers never show help (`--help` and usage errors do not go through that cache), so
 * the rendering is skipped. Guarded: a yargs without these internals simply renders as before.
 */
function skipHelpRendering(parser: unknown): void {
  const internals = (parser as { getInternalMethods?: () => { getUsageInstance?: () => unknown } })
    .getInternalMethods?.()
    .getUsageInstance?.() as { cacheHelpMessage?: () => void } | undefined;
  if (typeof internals?.cacheHelpMessage === "function") internals.cacheHelpMessage = () => undefined;
}
