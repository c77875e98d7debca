import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, runCli } from "./helpers/cli.js";
import { consoleExamples, outputPattern, shellWords } from "./helpers/console-examples.js";
import { buildTestEngine, builtInRuntimes } from "./helpers/engine.js";
import { allowedBy, EXTERNAL, sandboxNetworksOf } from "./helpers/network.js";

/*
 * docs/network.md promises that its `console` examples run as shown. They reach pypi.org and registry.npmjs.org
 * only; everything else they ask for is refused by the proxy before any connection. The proxies of the examples'
 * policies are removed afterwards; those of install registries stay, as other files' installs share them.
 */

const markdown = readFileSync(join(repoRoot, "docs/network.md"), "utf8");
const examples = consoleExamples(markdown);
const engine = buildTestEngine();
const registryPolicies = builtInRuntimes()
  .list()
  .map((runtime) => JSON.stringify([...(runtime.registries ?? [])].sort()));
let proxiesBefore: Set<string>;

const proxies = async () =>
  (await engine.findLeftovers()).containers.filter((container) => container.name.startsWith("isol8-proxy-"));

beforeAll(async () => {
  proxiesBefore = new Set((await proxies()).map((container) => container.name));
});

afterAll(async () => {
  const leftovers = await engine.findLeftovers();
  const started = (await proxies()).filter(
    (container) =>
      !proxiesBefore.has(container.name) &&
      !registryPolicies.includes(JSON.stringify(allowedBy(container.name))),
  );
  const networks = started.flatMap((container) => sandboxNetworksOf(container.name));
  await engine.cleanup({
    containers: started,
    images: [],
    networks: leftovers.networks.filter((network) => networks.includes(network.name)),
  });
  await engine.close();
});

describe("docs/network.md: the examples run as shown", EXTERNAL, () => {
  it("finds the examples, and the matcher is strict about what they show", () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
    expect(shellWords(`run -e 'a "b"' --allow '*.x.org' -e "c \\"d\\""`)).toEqual([
      "run",
      "-e",
      'a "b"',
      "--allow",
      "*.x.org",
      "-e",
      'c "d"',
    ]);
    expect("x\n403 ERR_ISOL8_DENIED 0\n").toMatch(outputPattern(["403 ERR_ISOL8_DENIED 0"]));
    expect("403 ERR_ISOL8_NOT_ALLOWED 0\n").not.toMatch(outputPattern(["403 ERR_ISOL8_DENIED 0"]));
    expect("a\nb\nc\n").toMatch(outputPattern(["a", "…", "c"]));
    expect("c\na\n").not.toMatch(outputPattern(["a", "c"]));
  });

  it.each(examples.map((example) => [example.args.join(" "), example] as const))(
    "isol8 %s",
    async (_, example) => {
      const result = await runCli(example.args);
      const stdout =
        result.stdout === "" || result.stdout.endsWith("\n") ? result.stdout : `${result.stdout}\n`;
      const stderr =
        result.stderr === "" || result.stderr.endsWith("\n") ? result.stderr : `${result.stderr}\n`;
      expect(`${stdout}${stderr}`).toMatch(outputPattern(example.expected));
      expect(result.code).toBe(example.exitCode);
    },
  );
});
