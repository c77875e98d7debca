import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { PathOrderSequencer } from "./tests/docker/sequencer.js";

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests read sources through these aliases, so no build is needed before `vitest`.
const alias = {
  "@isol8/core": src("./packages/core/src/index.ts"),
  "@isol8/docker": src("./packages/docker/src/index.ts"),
  "@isol8/kubernetes": src("./packages/kubernetes/src/index.ts"),
  "@isol8/cli": src("./packages/cli/src/index.ts"),
  "@isol8/conformance": src("./packages/conformance/src/index.ts"),
  "@isol8/server": src("./packages/server/src/index.ts"),
  "@isol8/remote": src("./packages/remote/src/index.ts"),
  "@isol8/mcp": src("./packages/mcp/src/index.ts"),
  "@isol8/runtime-python": src("./packages/runtimes/python/src/index.ts"),
  "@isol8/runtime-node": src("./packages/runtimes/node/src/index.ts"),
  "@isol8/runtime-bun": src("./packages/runtimes/bun/src/index.ts"),
  "@isol8/runtime-deno": src("./packages/runtimes/deno/src/index.ts"),
  "@isol8/runtime-bash": src("./packages/runtimes/bash/src/index.ts"),
};

export default defineConfig({
  resolve: { alias },
  test: {
    // Vitest takes the sequencer from here only, for every project: files in path order, `zz-*` files last (the
    // docker project's zz-cleanup removes every isol8 image, so it must follow everything that uses them).
    sequence: { sequencer: PathOrderSequencer },
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["packages/**/src/**/*.test.ts", "tests/unit/**/*.test.ts"],
          exclude: ["**/*.docker.test.ts", "**/*.kubernetes.test.ts", "**/node_modules/**", "**/dist/**"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "docker",
          include: ["packages/**/src/**/*.docker.test.ts", "tests/docker/**/*.docker.test.ts"],
          exclude: ["**/node_modules/**", "**/dist/**"],
          // One engine, two cores: files run one after another; containers inside a file may still overlap.
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 900_000,
          globalSetup: ["tests/docker/global-setup.ts"],
          // `isol8 setup --<runtime>` records what it baked per project directory: the tests' records stay here.
          env: { XDG_STATE_HOME: src("./.test-results/xdg-state") },
        },
      },
      {
        resolve: { alias },
        test: {
          name: "kubernetes",
          include: ["packages/**/src/**/*.kubernetes.test.ts", "tests/kubernetes/**/*.kubernetes.test.ts"],
          exclude: ["**/node_modules/**", "**/dist/**"],
          // One node: files run one after another; pods inside a file may still overlap.
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 600_000,
          // Fails the run (never skips it) when no cluster answers.
          globalSetup: ["tests/kubernetes/global-setup.ts"],
        },
      },
    ],
  },
});
