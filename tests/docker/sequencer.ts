import { basename, relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** What the order depends on; a TestSpecification has it, and unit tests can build it by hand. */
export interface OrderedFile {
  moduleId: string;
  project: { name: string; config: { root: string; sequence: { groupOrder: number } } };
}

/** Files whose name starts with this run after every other file of their project. */
export const LAST_PREFIX = "zz-";

/**
 * Group order, then project (as vitest does), then every file before those named `zz-*`, then by path. Docker test
 * files share one engine and run one after another: a fixed order makes runs repeatable, and lets a destructive
 * file (`zz-cleanup`, which removes every isol8 image) run after everything that needs the images.
 */
export function compareTestFiles(a: OrderedFile, b: OrderedFile): number {
  const group = a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder;
  if (group !== 0) return group;
  if (a.project.name !== b.project.name) return a.project.name < b.project.name ? -1 : 1;
  const last = Number(isLast(a)) - Number(isLast(b));
  if (last !== 0) return last;
  const pathA = relative(a.project.config.root, a.moduleId);
  const pathB = relative(b.project.config.root, b.moduleId);
  return pathA < pathB ? -1 : pathA > pathB ? 1 : 0;
}

function isLast(file: OrderedFile): boolean {
  return basename(file.moduleId).startsWith(LAST_PREFIX);
}

/**
 * Vitest reads the sequencer from the root config only (not per project), so this orders every project's files;
 * sharding is left to the base class.
 */
export class PathOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort(compareTestFiles);
  }
}
