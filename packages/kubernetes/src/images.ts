import {
  customImageTag,
  type ExecutionRequest,
  type ImageMatch,
  inRegistry,
  type RuntimeDefinition,
} from "@isol8/core";

export interface ImageNaming {
  /** Repository part of every tag: `<repository>:python`. @default "isol8" */
  repository: string;
  /** Registry host (and path) in front of it: `registry.example.com/team` → `registry.example.com/team/isol8:python`. */
  registry?: string | undefined;
}

/**
 * The image a request runs in, named as the Docker adapter names it. The cluster cannot be asked which images a node
 * holds, so packages pick the custom image baked for exactly them (`isol8 setup --python six`, then loaded into the
 * cluster); a missing one fails the pod's start with IMAGE_MISSING and that hint.
 */
export function chooseImage(
  naming: ImageNaming,
  runtime: RuntimeDefinition,
  request: Pick<ExecutionRequest, "image" | "install">,
): { image: string; match: ImageMatch } {
  if (request.image) return { image: request.image, match: "explicit" };
  if (request.install.length > 0) {
    return {
      image: inRegistry(naming.registry, customImageTag(naming.repository, runtime.name, request.install)),
      match: "exact",
    };
  }
  return { image: runtimeImage(naming, runtime.name), match: "runtime" };
}

export function runtimeImage(naming: ImageNaming, runtime: string): string {
  return inRegistry(naming.registry, `${naming.repository}:${runtime}`);
}
