import { Isol8Error, parseImageRegistry } from "@isol8/core";

/**
 * The registry `setup --push` pushes to: the flag's value, or for a bare `--push` the config's
 * `kubernetes.image.registry` (where the Kubernetes engine will pull from). Checked before anything is built.
 */
export function pushRegistry(flag: string | undefined, configured: string | undefined): string | undefined {
  if (flag === undefined) return undefined;
  if (flag.trim() !== "") return parseImageRegistry(flag, "--push");
  if (configured) return parseImageRegistry(configured, "kubernetes.image.registry in the config");
  throw new Isol8Error("INVALID_INPUT", "--push was given no registry and the config names none", {
    hint: 'Name one (--push registry.example.com/team) or set "kubernetes": { "image": { "registry": "…" } } in isol8.config.json.',
  });
}
