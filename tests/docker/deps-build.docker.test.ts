import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { removeSparesOfImages } from "./helpers/containers.js";
import { creations, type EngineSpy, spyOnEngine } from "./helpers/engine-spy.js";

const TAG = "isol8-test-built:latest";

function exists(tag: string): boolean {
  try {
    execFileSync("docker", ["image", "inspect", tag], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** `isol8 build --tag` and `run --image`: explicit images, and the refusal of images isol8 did not build. */
describe("isol8 build --tag, run --image", () => {
  let spy: EngineSpy;
  const existedBefore = exists(TAG);

  beforeAll(async () => {
    spy = await spyOnEngine();
  });
  afterAll(async () => {
    await spy?.close();
    if (!existedBefore && exists(TAG)) {
      removeSparesOfImages([TAG]);
      execFileSync("docker", ["rmi", TAG], { stdio: "ignore" });
    }
  });

  it("builds a custom image under the given tag, labelled with its packages", async () => {
    const result = await runCli(["build", "--runtime", "python", "--install", "six", "--tag", TAG]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${TAG} (built|rebuilt|up-to-date)\\n$`));
    const labels = JSON.parse(
      execFileSync("docker", ["image", "inspect", "--format", "{{json .Config.Labels}}", TAG]).toString(),
    );
    expect(labels).toMatchObject({
      "org.isol8.managed": "true",
      "org.isol8.kind": "custom",
      "org.isol8.runtime": "python",
      "org.isol8.dependencies": '["six"]',
    });
  });

  it("runs code in it with --image; its baked packages are not installed again", async () => {
    const code = "import six; print(six.__version__)";
    const plain = await runCli(["run", "--image", TAG, "-e", code, "-r", "python", "--json"]);
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({
      image: TAG,
      installed: [],
      stdout: expect.stringMatching(/^1\.\d+\.\d+\n$/),
    });
    const asked = await runCli(["run", "--image", TAG, "-e", code, "-r", "python", "-i", "six", "--json"]);
    expect(JSON.parse(asked.stdout)).toMatchObject({ image: TAG, installed: [] });
  });

  it("is not picked for runs that did not name it: only setup's custom images are", async () => {
    const result = await runCli(["run", "-e", "import six", "-r", "python", "-i", "six", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).image).not.toBe(TAG);
  });

  it("refuses an image that isol8 did not build, with exit 2 and no container", async () => {
    spy.reset();
    const result = await runCli(["run", "--image", "debian:bookworm-slim", "-e", "echo hi", "-r", "bash"], {
      env: spy.env,
    });
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe("isol8: Image debian:bookworm-slim was not built by isol8");
    expect(result.stderr).toContain("--force-image");
    expect(result.stdout).toBe("");
    expect(creations(spy.requests)).toEqual([]);
    expect(spy.requests.some((r) => r.includes("/images/debian:bookworm-slim/json"))).toBe(true);
  });
});
