import { sha512Hex } from "@isol8/core";
import { describe, expect, it } from "vitest";
import { bunDockerfile } from "./dockerfile.js";
import { bunEnv } from "./environment.js";
import { defaultBunPin } from "./pins.js";

describe("bunDockerfile", () => {
  const fragment = bunDockerfile(defaultBunPin, bunEnv);
  const lines = fragment.trimEnd().split("\n");

  it("switches to root for the install and back to the sandbox user at the end", () => {
    expect(lines[0]).toBe("USER root");
    expect(lines.at(-1)).toBe("USER sandbox");
  });

  it("downloads the pinned baseline build and checks its digest before unpacking", () => {
    expect(fragment).toContain(
      "https://registry.npmjs.org/@oven/bun-linux-x64-baseline/-/bun-linux-x64-baseline-1.4.5.tgz",
    );
    expect(fragment).toContain(
      `echo "${sha512Hex(defaultBunPin.integrity)}  /tmp/bun.tgz" | sha512sum --check`,
    );
    expect(fragment.indexOf("sha512sum")).toBeLessThan(fragment.indexOf("tar -xzf"));
  });

  it("creates the baked-packages folder that NODE_PATH names", () => {
    expect(fragment).toContain("mkdir -p /usr/local/share/bun/install/global/node_modules");
  });

  it("sets NODE_EXTRA_CA_CERTS in the image, so that a bake trusts the same bundle", () => {
    expect(fragment).toContain('NODE_EXTRA_CA_CERTS="/etc/ssl/certs/ca-certificates.crt"');
  });
});
