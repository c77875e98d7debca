import { describe, expect, it } from "vitest";
import { pythonDockerfile } from "./dockerfile.js";
import { pythonEnv } from "./environment.js";
import { defaultPythonPins } from "./pins.js";

describe("pythonDockerfile", () => {
  const fragment = pythonDockerfile(defaultPythonPins, pythonEnv);
  const lines = fragment.trimEnd().split("\n");

  it("switches to root for the install and back to the sandbox user at the end", () => {
    expect(lines[0]).toBe("USER root");
    expect(lines.at(-1)).toBe("USER sandbox");
  });

  it("installs the pinned Debian packages without recommends", () => {
    expect(fragment).toContain("python3=3.11.2-1+b1");
    expect(fragment).toContain("python3-pip=23.0.1+dfsg-1");
    expect(fragment).toContain("--no-install-recommends");
  });

  it("fails the build when the interpreter is not the recorded minor version", () => {
    expect(fragment).toContain("sys.exit(sys.version_info[:2] != (3, 11))");
  });

  it("leaves no package lists or apt caches in the image", () => {
    expect(fragment).toContain("apt-get clean && rm -rf /var/lib/apt/lists/*");
  });

  it("sets the CA variables in the image, so that a bake trusts the same bundle", () => {
    for (const name of ["PIP_CERT", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"]) {
      expect(fragment).toContain(`${name}="/etc/ssl/certs/ca-certificates.crt"`);
    }
    expect(fragment).toContain('PYTHONUSERBASE="/sandbox/.local"');
  });

  it("writes other pins into the fragment", () => {
    const other = pythonDockerfile({ python3: "3.13.5-1", pip: "25.1.1+dfsg-1", pythonMinor: "3.13" }, {});
    expect(other).toContain("python3=3.13.5-1 python3-pip=25.1.1+dfsg-1");
    expect(other).toContain("(3, 13)");
  });
});
