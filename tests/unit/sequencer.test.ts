import { describe, expect, it } from "vitest";
import { compareTestFiles, type OrderedFile } from "../docker/sequencer.js";

const file = (path: string, project = "docker", groupOrder = 0): OrderedFile => ({
  moduleId: `/repo/${path}`,
  project: { name: project, config: { root: "/repo", sequence: { groupOrder } } },
});

const order = (files: OrderedFile[]) => [...files].sort(compareTestFiles).map((f) => f.moduleId.slice(6));

describe("compareTestFiles", () => {
  it("runs files in path order with zz-* files last", () => {
    expect(
      order([
        file("tests/docker/zz-cleanup.docker.test.ts"),
        file("tests/docker/run.docker.test.ts"),
        file("packages/docker/src/pool.docker.test.ts"),
        file("tests/docker/images-setup.docker.test.ts"),
        file("tests/docker/zoo.docker.test.ts"),
      ]),
    ).toEqual([
      "packages/docker/src/pool.docker.test.ts",
      "tests/docker/images-setup.docker.test.ts",
      "tests/docker/run.docker.test.ts",
      "tests/docker/zoo.docker.test.ts",
      "tests/docker/zz-cleanup.docker.test.ts",
    ]);
  });

  it("puts a zz-* file last even when another file's path sorts after it", () => {
    expect(order([file("z/zz-a.test.ts"), file("zzz/b.test.ts")])).toEqual([
      "zzz/b.test.ts",
      "z/zz-a.test.ts",
    ]);
  });

  it("keeps projects apart, by group order and then by name, as vitest does", () => {
    expect(
      order([
        file("a/zz-last.test.ts", "unit"),
        file("b/first.test.ts", "unit", -1),
        file("c/x.test.ts", "docker"),
        file("a/y.test.ts", "unit"),
      ]),
    ).toEqual(["b/first.test.ts", "c/x.test.ts", "a/y.test.ts", "a/zz-last.test.ts"]);
  });
});
