import type { BuildArguments } from "../commands/build.js";
import { createCliContext } from "./context.js";
import { splitPackageList } from "./parse-flags.js";
import { endProgressLine } from "./progress.js";
import { readSetupCommands } from "./setup-commands.js";

/** `isol8 build`: a custom image under an explicit tag, e.g. for a team registry. */
export async function buildAction(args: BuildArguments): Promise<number> {
  const { runtimes, engine } = await createCliContext({ config: args.config });
  const { validatePackageNames } = await import("@isol8/core");
  const runtime = runtimes.get(args.runtime);
  const packages = splitPackageList(args.install);
  validatePackageNames(runtime, packages);
  const setup = await readSetupCommands(args.setup);
  if (packages.length === 0 && setup.length === 0) {
    const { Isol8Error } = await import("@isol8/core");
    throw new Isol8Error(
      "INVALID_INPUT",
      "isol8 build needs something to bake: --install packages or --setup commands",
      {
        hint: "isol8 build --runtime python --install numpy --tag my-ml:latest",
      },
    );
  }
  const report = await engine.build({
    runtime: runtime.name,
    packages,
    tag: args.tag,
    force: args.force,
    setup,
  });
  await engine.close();
  endProgressLine();
  process.stdout.write(`${report.tag} ${report.status}\n`);
  return 0;
}
