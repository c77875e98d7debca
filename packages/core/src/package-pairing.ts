import { plainPackageName } from "./plugin-kit/package-hints.js";
import type { RuntimeRegistry } from "./registry.js";
import type { RuntimeDefinition } from "./runtime.js";

/** A package asked of one runtime that belongs to others. */
export interface PackagePairing {
  /** The package or module as the user or the program wrote it. */
  name: string;
  /** The runtime it was asked of. */
  runtime: string;
  /** The runtimes it belongs to, in registration order. */
  owners: string[];
}

/** What a runtime's packages are called ("PyPI packages"); the plugin's words, else "<name> packages". */
export function packageKindOf(runtime: RuntimeDefinition): string {
  return runtime.packageKind ?? `${runtime.name} packages`;
}

function comparable(runtime: RuntimeDefinition, spec: string): string {
  return (runtime.packageName ?? plainPackageName)(spec);
}

/**
 * Whether `runtime` lists or knows `name`. The name was written for `asker` (an import in its code, a package on its
 * command line), so it matches when either runtime's folding makes it equal to a spec: Python's `left_pad` is npm's
 * `left-pad`.
 */
function knows(
  runtime: RuntimeDefinition,
  name: string,
  listed: readonly string[],
  asker: RuntimeDefinition,
): boolean {
  const asTheirs = comparable(runtime, name);
  const asOurs = comparable(asker, name);
  return [...listed, ...(runtime.wellKnownPackages ?? [])].some(
    (spec) => comparable(runtime, spec) === asTheirs || comparable(asker, spec) === asOurs,
  );
}

/**
 * Whether `name`, asked of `runtime`, is another runtime's package: listed for it (by the config, by setup, by this
 * run) or one of its registry's well-known packages — and neither listed for nor well known to `runtime` itself,
 * where it would be a genuinely broken install rather than a mix-up. Each runtime compares names by its own rules.
 */
export function packagePairing(
  runtimes: RuntimeRegistry,
  input: { runtime: string; name: string; listed: Readonly<Record<string, readonly string[]>> },
): PackagePairing | undefined {
  const own = runtimes.get(input.runtime);
  if (knows(own, input.name, input.listed[own.name] ?? [], own)) return undefined;
  const owners = runtimes
    .list()
    .filter(
      (runtime) =>
        runtime.name !== own.name && knows(runtime, input.name, input.listed[runtime.name] ?? [], own),
    )
    .map((runtime) => runtime.name);
  return owners.length > 0 ? { name: input.name, runtime: own.name, owners } : undefined;
}
