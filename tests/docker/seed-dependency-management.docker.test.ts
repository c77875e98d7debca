import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runBuiltCli } from "./helpers/cli.js";
import { shellWords } from "./helpers/console-examples.js";
import { removeImagesEventually } from "./helpers/containers.js";

/**
 * The page isol8 was specified from — "Dependency management" (../shared/seed/000_3ab623f733b6c413.txt) — command by
 * command, typed exactly as the page prints them (line continuations included) into the CLI that `pnpm build` made,
 * in a fresh project directory with its own setup record (XDG_STATE_HOME). Each test names the page's section.
 * The tests run in order: the page's own order, from on-the-fly installs to baked images and the config file.
 */

/** The page's config file, verbatim. */
const PAGE_CONFIG = `{
  "dependencies": {
    "python": ["numpy", "pandas", "scikit-learn"],
    "node": ["lodash", "express"],
    "bun": ["zod"],
    "bash": ["jq", "curl"]
  }
}
`;

const CUSTOM_TAG = /isol8:([a-z]+)-custom-[0-9a-f]{12}/g;

interface JsonRun {
  stdout: string;
  image: string;
  installed: string[];
  imageReason: string;
}

describe("the dependency management page, as a new user types it", () => {
  let project: string;
  let state: string;
  let before: Set<string>;
  const timeoutMs = 600_000;

  /** Runs a command as the page prints it: "isol8 …", with backslash-newline continuations. */
  function type(command: string): Promise<CliResult> {
    const words = shellWords(command.replace(/\\\n\s*/g, " "));
    expect(words[0]).toBe("isol8");
    return runBuiltCli(words.slice(1), { cwd: project, env: { XDG_STATE_HOME: state }, timeoutMs });
  }

  async function json(command: string): Promise<JsonRun> {
    const result = await type(`${command} --json`);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as JsonRun;
  }

  function customImages(): string[] {
    const out = execFileSync("docker", ["images", "--format", "{{.Repository}}:{{.Tag}}"], {
      encoding: "utf8",
    });
    return out.split("\n").filter((tag) => /^isol8:[a-z]+-custom-[0-9a-f]{12}$/.test(tag));
  }

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), "isol8-page-"));
    state = mkdtempSync(join(tmpdir(), "isol8-page-state-"));
    before = new Set(customImages());
  });

  afterAll(async () => {
    await removeImagesEventually(customImages().filter((tag) => !before.has(tag)));
    rmSync(project, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  });

  describe("Strategy 1: on-the-fly installation", () => {
    it("# Python: --install numpy, then import numpy", { timeout: timeoutMs }, async () => {
      const result = await type(`isol8 run \\
  -e "import numpy" \\
  --runtime python \\
  --install numpy`);
      expect(result.stderr).not.toMatch(/Error/);
      expect(result.code).toBe(0);
    });

    it("# Node.js: --install lodash, then require('lodash') (inline code with require runs as CommonJS)", async () => {
      const result = await type(`isol8 run \\
  -e "require('lodash')" \\
  --runtime node \\
  --install lodash`);
      expect(result.stderr).not.toMatch(/ReferenceError|Error/);
      expect(result.code).toBe(0);
    });

    it("Node's syntax detection: import runs as an ES module, require as CommonJS, inline, from stdin and as .js", async () => {
      const esm = await type(
        `isol8 run -e "import _ from 'lodash'; console.log(_.kebabCase('Hello World'))" --runtime node --install lodash`,
      );
      expect(esm.stdout).toBe("hello-world\n");
      const cjsStdin = await runBuiltCli(["run", "--runtime", "node", "--install", "lodash"], {
        cwd: project,
        env: { XDG_STATE_HOME: state },
        input: "const _ = require('lodash');\nconsole.log(typeof _.chunk, typeof module);\n",
      });
      expect(cjsStdin.stdout).toBe("function object\n");
      const esmStdin = await runBuiltCli(["run", "--runtime", "node"], {
        cwd: project,
        env: { XDG_STATE_HOME: state },
        input:
          "const { sep } = await import('node:path');\nexport const x = 1;\nconsole.log(sep, typeof require);\n",
      });
      expect(esmStdin.stdout).toBe("/ undefined\n");
      writeFileSync(join(project, "cjs.js"), "console.log(require('node:os').EOL === '\\n');\n");
      writeFileSync(join(project, "esm.js"), "import { EOL } from 'node:os';\nconsole.log(EOL === '\\n');\n");
      expect((await type("isol8 run cjs.js")).stdout).toBe("true\n");
      expect((await type("isol8 run esm.js")).stdout).toBe("true\n");
    });

    it("runtime installs are written under /sandbox (/sandbox/.local, /sandbox/.npm-global)", async () => {
      const python = await type(
        `isol8 run -e "import numpy; print(numpy.__file__)" --runtime python --install numpy`,
      );
      expect(python.stdout).toMatch(
        /^\/sandbox\/\.local\/lib\/python3\.\d+\/site-packages\/numpy\/__init__\.py\n$/,
      );
      const node = await type(
        `isol8 run -e "console.log(require.resolve('lodash'))" --runtime node --install lodash`,
      );
      expect(node.stdout).toMatch(/^\/sandbox\/\.npm-global\/lib\/node_modules\/lodash\/lodash\.js\n$/);
    });
  });

  describe("Strategy 2: custom images", () => {
    let pythonTag: string;

    it("# Bake numpy and pandas into the Python image: isol8 setup --python numpy,pandas", {
      timeout: timeoutMs,
    }, async () => {
      const result = await type("isol8 setup --python numpy,pandas");
      expect(result.code, result.stderr).toBe(0);
      const tags = [...result.stdout.matchAll(CUSTOM_TAG)].map((match) => match[0]);
      expect(tags).toHaveLength(1);
      pythonTag = tags[0] ?? "";
      expect(pythonTag).toMatch(/^isol8:python-custom-[0-9a-f]{12}$/);
      expect(result.stderr).toContain("`isol8 run --runtime python` in");
    });

    it("# Bake lodash into the Node.js image: isol8 setup --node lodash", {
      timeout: timeoutMs,
    }, async () => {
      const result = await type("isol8 setup --node lodash");
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/isol8:node-custom-[0-9a-f]{12}/);
    });

    it("Using custom images: a plain run, no flags, prefers the hashed custom image and installs nothing", async () => {
      const command = `isol8 run \\
  -e "import numpy; print(numpy.__version__)" \\
  --runtime python`;
      const result = await type(command);
      expect(result.stderr).toBe("");
      expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
      expect(result.code).toBe(0);
      const why = await json(command);
      expect(why.image).toBe(pythonTag);
      expect(why.installed).toEqual([]);
      expect(why.imageReason).toContain("what `isol8 setup` baked for this project");
      const config = await type("isol8 config");
      expect(config.stdout).toMatch(/^setup\.python\s+\["numpy","pandas"\]\s+\(.*; used by a plain run\)$/m);
      const verbose = await type(`${command} --verbose`);
      expect(verbose.stderr).toMatch(
        new RegExp(
          `^\\[isol8\\] image: ${pythonTag} — a custom image with exactly the run's packages .*isol8 setup.*\n$`,
        ),
      );
    });

    it("baked Node packages resolve from require and from import", async () => {
      const cjs = await json(`isol8 run -e "console.log(require('lodash').VERSION)" --runtime node`);
      expect(cjs.stdout).toMatch(/^4\.\d+\.\d+\n$/);
      expect(cjs.image).toMatch(/^isol8:node-custom-/);
      expect(cjs.installed).toEqual([]);
      const esm = await json(`isol8 run -e "import _ from 'lodash'; console.log(_.VERSION)" --runtime node`);
      expect(esm.stdout).toBe(cjs.stdout);
    });

    it("custom images extend the base image and inherit its hardening (non-root user, read-only root)", async () => {
      const result = await type(
        `isol8 run -e "import os; print(os.getuid()); open('/etc/x', 'w')" --runtime python`,
      );
      expect(result.stdout).toBe("1000\n");
      expect(result.stderr).toMatch(/OSError: \[Errno 30\] Read-only file system: '\/etc\/x'/);
      const parent = execFileSync(
        "docker",
        ["image", "inspect", pythonTag, "--format", "{{json .Config.Labels}}"],
        {
          encoding: "utf8",
        },
      );
      const labels = JSON.parse(parent) as Record<string, string>;
      expect(labels["org.isol8.deps.hash"]).toMatch(/^[0-9a-f]{64}$/);
      expect(labels["org.isol8.build.hash"]).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.parse(labels["org.isol8.dependencies"] ?? "[]")).toEqual(["numpy", "pandas"]);
    });
  });

  describe("Config file (isol8.config.json)", () => {
    let pythonTag: string;

    beforeAll(() => writeFileSync(join(project, "isol8.config.json"), PAGE_CONFIG));

    it("an explicit --image plus --install installs what was asked for, not the whole config", {
      timeout: timeoutMs,
    }, async () => {
      const result = await type(
        `isol8 run -e "import numpy; print(numpy.__file__)" --runtime python --install numpy --image isol8:python`,
      );
      expect(result.stdout).toMatch(
        /^\/sandbox\/\.local\/lib\/python3\.\d+\/site-packages\/numpy\/__init__\.py\n$/,
      );
      expect(result.code).toBe(0);
      const why = await json(
        `isol8 run -e "import numpy; print(numpy.__file__)" --runtime python --install numpy --image isol8:python`,
      );
      expect(why.installed).toEqual(["numpy"]);
      expect(why.imageReason).toContain("named with --image; the config's dependencies do not apply to it");
    });

    it("Run isol8 setup to apply changes: every configured runtime gets its custom image", {
      timeout: timeoutMs,
    }, async () => {
      const result = await type("isol8 setup");
      expect(result.code, result.stderr).toBe(0);
      const runtimes = [...result.stdout.matchAll(CUSTOM_TAG)].map((match) => match[1]);
      expect(runtimes.sort()).toEqual(["bash", "bun", "node", "python"]);
      pythonTag = /isol8:python-custom-[0-9a-f]{12}/.exec(result.stdout)?.[0] ?? "";

      const python = await json(`isol8 run -e "import numpy, pandas, sklearn; print('ok')" --runtime python`);
      expect([python.stdout, python.image, python.installed]).toEqual(["ok\n", pythonTag, []]);
      const node = await json(`isol8 run -e "console.log(typeof require('express'))" --runtime node`);
      expect([node.stdout, node.installed]).toEqual(["function\n", []]);
      const bun = await json(
        `isol8 run -e "import { z } from 'zod'; console.log(z.string().parse('ok'))" --runtime bun`,
      );
      expect([bun.stdout, bun.installed]).toEqual(["ok\n", []]);
      const bash = await json(
        `isol8 run -e "echo '{\\"a\\":1}' | jq .a; curl --version | head -c 5" --runtime bash`,
      );
      expect([bash.stdout, bash.installed]).toEqual(["1\ncurl ", []]);
    });

    it("# Up to date - skips build: isol8 setup", { timeout: timeoutMs }, async () => {
      const result = await type("isol8 setup");
      expect(result.code, result.stderr).toBe(0);
      const lines = result.stdout.trim().split("\n");
      expect(lines.length).toBeGreaterThan(4);
      for (const line of lines) expect(line).toMatch(/\sup-to-date\s/);
    });

    it("# Add a package - triggers rebuild & cleanup: isol8 setup --python requests (merged with the config)", {
      timeout: timeoutMs,
    }, async () => {
      const result = await type(`isol8 setup \\
  --python requests`);
      expect(result.code, result.stderr).toBe(0);
      const next = /isol8:python-custom-[0-9a-f]{12}/.exec(result.stdout)?.[0] ?? "";
      expect(next).not.toBe(pythonTag);
      expect(customImages()).not.toContain(pythonTag);
      const labels = execFileSync(
        "docker",
        ["image", "inspect", next, "--format", "{{json .Config.Labels}}"],
        {
          encoding: "utf8",
        },
      );
      const baked = (JSON.parse(labels) as Record<string, string>)["org.isol8.dependencies"] ?? "[]";
      expect((JSON.parse(baked) as string[]).sort()).toEqual(["numpy", "pandas", "requests", "scikit-learn"]);
      pythonTag = next;
    });

    it("Troubleshooting: an npm package asked of the Python runtime ends with the pairing hint", {
      timeout: timeoutMs,
    }, async () => {
      const result = await type(`isol8 run -e "import lodash" --runtime python --install lodash`);
      expect(result.code).not.toBe(0);
      const last = result.stderr.trim().split("\n").at(-1) ?? "";
      expect(last).toContain(
        '"lodash" is a package for node and bun, not for python: verify the runtime/package pairing',
      );
      expect(last).toContain("--runtime node");
    });

    it("Use --force to bypass this check and rebuild unconditionally", { timeout: timeoutMs }, async () => {
      const result = await type("isol8 setup --force --runtime bash");
      expect(result.code, result.stderr).toBe(0);
      const bashCustom = result.stdout.split("\n").find((line) => /isol8:bash-custom-/.test(line)) ?? "";
      expect(bashCustom).toMatch(/\srebuilt\s/);
      for (const line of result.stdout.trim().split("\n")) expect(line).not.toMatch(/\sup-to-date\s/);
    });

    it("Disk usage: isol8 cleanup --images asks first (here, with no terminal, it says to pass --force)", async () => {
      const result = await type("isol8 cleanup --images");
      expect(result.stderr).toMatch(/--force/);
      expect(customImages()).toContain(pythonTag);
    });
  });
});
