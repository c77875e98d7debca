import { createRuntimeRegistry, Isol8Error, type RuntimeDefinition } from "@isol8/core";
import type { DockerEngine } from "@isol8/docker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestEngine } from "./helpers/engine.js";
import {
  createPrivateRepository,
  danglingDescendantsOf,
  imageId,
  type PrivateRepository,
} from "./helpers/private-repository.js";

/** A test runtime whose fragment the test controls: it records which build the image came from. */
function shell(fragment: string): RuntimeDefinition {
  return {
    name: "shell",
    extensions: [".shell"],
    inlineFileName: "main.shell",
    versions: { sh: "dash" },
    dockerfile: fragment,
    globalInstallPath: "/sandbox/.shell",
    install: () => ["sh", "-c", "echo 'shell: no packages' >&2; exit 1"],
    bake: () => ["sh", "-c", "echo 'shell: no packages' >&2; exit 1"],
    runFile: (file) => ["sh", file],
    runInline: (code) => ["sh", "-c", code],
  };
}

const good = ["USER root", "RUN echo good > /etc/isol8-shell-build", "USER sandbox"].join("\n");
// The step before the failure is new (no cache hit), so the classic builder commits an image for it.
const broken = [
  "USER root",
  "RUN echo broken > /etc/isol8-shell-build",
  "RUN echo 'about to fail' && exit 3",
  "USER sandbox",
].join("\n");

describe("a broken runtime fragment", () => {
  let repo: PrivateRepository;
  const engines: DockerEngine[] = [];
  const engineWith = (fragment: string) => {
    const engine = buildTestEngine({
      repository: repo.repository,
      assetsDir: repo.assetsDir,
      runtimes: createRuntimeRegistry([shell(fragment)]),
    });
    engines.push(engine);
    return engine;
  };

  beforeAll(() => {
    repo = createPrivateRepository();
  });

  afterAll(async () => {
    for (const engine of engines) await engine.close();
    repo?.remove();
  });

  it("fails with IMAGE_BUILD_FAILED naming image and step, and the previous image still runs code", async () => {
    const tag = `${repo.repository}:shell`;
    const working = engineWith(good);
    const built = await working.setup();
    expect(built.map((report) => [report.tag, report.status])).toEqual([
      [`${repo.repository}:base`, "built"],
      [`${repo.repository}:proxy`, "built"],
      [tag, "built"],
    ]);
    const previousId = imageId(tag);
    const baseId = imageId(`${repo.repository}:base`);
    expect(previousId).toBeDefined();
    expect(baseId).toBeDefined();

    const failing = engineWith(broken);
    const error = await failing.setup().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Isol8Error);
    const { code, message, hint } = error as Isol8Error;
    expect(code).toBe("IMAGE_BUILD_FAILED");
    expect(message).toContain(`Building ${tag} failed`);
    expect(message).toContain(`at "RUN echo 'about to fail' && exit 3"`);
    expect(message).toContain("returned a non-zero code: 3");
    expect(hint).toContain(`Any previous ${tag} is still in place`);
    expect(hint).toContain("about to fail");

    expect(imageId(tag)).toBe(previousId);
    expect(danglingDescendantsOf(baseId ?? "")).toEqual([]);
    const result = await failing.execute({ runtime: "shell", code: "cat /etc/isol8-shell-build" });
    expect(result.stdout).toBe("good\n");
    expect(result.exitCode).toBe(0);
  });
});
