import type { ImageReport, PushReport } from "@isol8/docker";
import type { SetupArguments } from "../commands/setup.js";
import { createCliContext } from "./context.js";
import { splitList, splitPackageList } from "./parse-flags.js";
import { endProgressLine } from "./progress.js";
import { pushRegistry } from "./push-target.js";
import { projectDirectory, readSetupRecord, writeSetupRecord } from "./setup-record.js";

/**
 * `isol8 setup`: base and runtime images, plus custom images for each runtime's packages — the config's
 * dependencies, else what an earlier `setup --<runtime>` baked for this project — merged with `--<runtime> a,b`.
 * Each image is built only when its inputs changed. Packages given by flag are recorded for the project, so that a
 * plain `isol8 run` there prefers their image (see setup-record.ts). With `--push`, every image it reports then goes
 * to that registry (checked before anything is built).
 */
export async function setupAction(args: SetupArguments): Promise<number> {
  const { loaded, runtimes, engine } = await createCliContext({ config: args.config });
  const registry = pushRegistry(args.push, loaded.config.kubernetes.image?.registry);
  const selected = splitList(args.runtime);
  for (const name of selected) runtimes.get(name);
  // A typo in the config ("pyton") must not silently bake nothing.
  for (const name of Object.keys(loaded.config.dependencies)) runtimes.get(name);
  const project = projectDirectory(loaded);
  const recorded = readSetupRecord(project).dependencies;
  const dependencies: Record<string, string[]> = {};
  const fromFlags: Record<string, string[]> = {};
  for (const runtime of runtimes.list()) {
    const fromFlag = splitPackageList(args[runtime.name] as string | string[] | undefined);
    const current = loaded.config.dependencies[runtime.name] ?? recorded[runtime.name] ?? [];
    const merged = [...new Set([...current, ...fromFlag])];
    if (merged.length > 0) dependencies[runtime.name] = merged;
    if (fromFlag.length > 0) fromFlags[runtime.name] = merged;
  }
  // Asking for packages of a runtime implies setting that runtime up.
  const names =
    selected.length > 0 ? [...new Set([...selected, ...flagRuntimes(args, runtimes.list())])] : undefined;
  let reports: ImageReport[];
  let pushed: PushReport[] = [];
  try {
    reports = await engine.setup({
      ...(names ? { runtimes: names } : {}),
      dependencies,
      force: args.force,
    });
    if (registry) pushed = await engine.push({ registry, tags: reports.map((report) => report.tag) });
  } finally {
    await engine.close();
    endProgressLine();
  }
  // Recorded only once the images built: a failed setup changes nothing a later run would pick.
  const recordFile = Object.keys(fromFlags).length > 0 ? writeSetupRecord(project, fromFlags) : undefined;
  if (args.json) process.stdout.write(`${JSON.stringify(withPushes(reports, pushed), null, 2)}\n`);
  else {
    for (const report of reports) process.stdout.write(`${describe(report)}\n`);
    for (const push of pushed) process.stdout.write(`pushed ${push.image} ${push.digest}\n`);
  }
  if (recordFile && !args.json) {
    for (const [runtime, packages] of Object.entries(fromFlags)) {
      process.stderr.write(
        `[isol8] \`isol8 run --runtime ${runtime}\` in ${project} now uses the image with ${packages.join(", ")} (recorded in ${recordFile})\n`,
      );
    }
  }
  return 0;
}

function flagRuntimes(args: SetupArguments, runtimes: { name: string }[]): string[] {
  return runtimes
    .filter((runtime) => splitList(args[runtime.name] as string | undefined).length > 0)
    .map((r) => r.name);
}

/** `--json`: each report carries where it was pushed (`pushed: { image, digest }`) when it was. */
function withPushes(reports: ImageReport[], pushed: PushReport[]): object[] {
  const byTag = new Map(pushed.map((push) => [push.tag, push]));
  return reports.map((report) => {
    const push = byTag.get(report.tag);
    return push ? { ...report, pushed: { image: push.image, digest: push.digest } } : report;
  });
}

function describe(report: ImageReport): string {
  const seconds = report.seconds < 10 ? report.seconds.toFixed(2) : report.seconds.toFixed(0);
  return `${report.tag.padEnd(36)} ${report.status.padEnd(10)} ${seconds} s`;
}
