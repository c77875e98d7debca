import { Isol8Error, type SandboxEngine } from "@isol8/core";
import type { SessionsArguments } from "../commands/sessions.js";
import { createCliContext, loadCliRuntimes } from "./context.js";
import { createKubernetesCliEngine } from "./kubernetes-engine.js";

/** The engine whose sessions to show: the config's (or --engine's) Kubernetes namespace, else Docker's. */
async function sessionsEngine(args: SessionsArguments): Promise<SandboxEngine> {
  const { loaded, runtimes } = await loadCliRuntimes(args.config);
  if ((args.engine ?? loaded.config.engine) === "kubernetes")
    return createKubernetesCliEngine(loaded, runtimes);
  return (await createCliContext({ config: args.config })).engine;
}

/** `isol8 sessions`: lists sessions, or stops one (or all). */
export async function sessionsAction(args: SessionsArguments): Promise<number> {
  const engine = await sessionsEngine(args);
  try {
    return await listOrStop(args, engine);
  } finally {
    await engine.close();
  }
}

async function listOrStop(args: SessionsArguments, engine: SandboxEngine): Promise<number> {
  const sessions = await engine.listSessions();
  if (args.action === "list") {
    if (args.json) process.stdout.write(`${JSON.stringify(sessions, null, 2)}\n`);
    else if (sessions.length === 0) process.stdout.write("No sessions.\n");
    else {
      for (const session of sessions) {
        const since = session.createdAt.toISOString().replace("T", " ").slice(0, 19);
        process.stdout.write(
          `${session.name.padEnd(24)} ${session.runtime.padEnd(8)} ${session.state.padEnd(8)} ${since}\n`,
        );
      }
    }
    return 0;
  }
  const names = args.all ? sessions.map((session) => session.name) : args.name ? [args.name] : [];
  if (names.length === 0 && !args.all) {
    throw new Isol8Error("INVALID_INPUT", "Name the session to stop, or pass --all");
  }
  for (const name of names) {
    if (!(await engine.stopSession(name))) {
      throw new Isol8Error("INVALID_INPUT", `There is no session named "${name}"`, {
        hint: "List them with `isol8 sessions`.",
      });
    }
    process.stdout.write(`Stopped ${name}.\n`);
  }
  return 0;
}
