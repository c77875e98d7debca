import { sha512Hex } from "@isol8/core";
import { describe, expect, it } from "vitest";
import { denoDockerfile } from "./dockerfile.js";
import { denoEnv } from "./environment.js";
import { defaultDenoPin } from "./pins.js";

describe("denoDockerfile", () => {
  const fragment = denoDockerfile(defaultDenoPin, denoEnv);
  const lines = fragment.trimEnd().split("\n");

  it("switches to root for the install and back to the sandbox user at the end", () => {
    expect(lines[0]).toBe("USER root");
    expect(lines.at(-1)).toBe("USER sandbox");
  });

  it("downloads the pinned tarball and checks its digest before unpacking", () => {
    expect(fragment).toContain(
      "https://registry.npmjs.org/@deno/linux-x64-glibc/-/linux-x64-glibc-2.9.6.tgz",
    );
    expect(fragment).toContain(
      `echo "${sha512Hex(defaultDenoPin.integrity)}  /tmp/deno.tgz" | sha512sum --check`,
    );
    expect(fragment.indexOf("sha512sum")).toBeLessThan(fragment.indexOf("tar -xzf"));
  });

  it("ships the wrapper and creates the baked cache directory", () => {
    expect(fragment).toContain("COPY isol8-deno /usr/local/bin/isol8-deno");
    expect(fragment).toContain("mkdir -p /usr/local/share/deno");
  });

  it("sets DENO_CERT in the image, so that a bake trusts the same bundle", () => {
    expect(fragment).toContain('DENO_CERT="/etc/ssl/certs/ca-certificates.crt"');
  });
});
