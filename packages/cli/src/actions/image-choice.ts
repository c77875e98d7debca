import type { ExecutionResult } from "@isol8/core";
import type { PackageSource } from "./setup-record.js";

const SOURCES: Record<PackageSource, string> = {
  image: "",
  config: "the config's dependencies",
  setup: "what `isol8 setup` baked for this project",
  none: "",
};

export interface ImageChoiceContext {
  /** Where the run's default packages came from. */
  source: PackageSource;
  /** Whether --install added packages. */
  installFlags: boolean;
  runtime: string;
}

/** One line saying why the run used its image, for `--verbose` and `--json`. */
export function describeImageChoice(result: ExecutionResult, context: ImageChoiceContext): string {
  const { source, installFlags, runtime } = context;
  const origins = [SOURCES[source], installFlags ? "--install" : ""].filter(Boolean);
  const from = origins.length > 0 ? ` (packages from ${origins.join(" and ")})` : "";
  const installed =
    result.installed.length > 0 ? `; installed at run time: ${result.installed.join(", ")}` : "";
  switch (result.imageMatch) {
    case "explicit":
      return `named with --image; the config's dependencies do not apply to it${installed}`;
    case "session":
      return `the session's image${installed}`;
    case "exact":
      return `a custom image with exactly the run's packages${from}${installed}`;
    case "superset":
      return `the smallest custom image holding all of the run's packages${from}${installed}`;
    case "partial":
      return `the custom image holding the most of the run's packages${from}${installed}`;
    default:
      return result.installed.length > 0
        ? `the ${runtime} runtime image: no custom image holds the run's packages${from}${installed}`
        : `the ${runtime} runtime image: the run needs no packages (none configured, none baked by \`isol8 setup --${runtime}\` here)`;
  }
}
