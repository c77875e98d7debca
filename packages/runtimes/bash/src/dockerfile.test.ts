import { describe, expect, it } from "vitest";
import { bashDockerfile } from "./dockerfile.js";
import { bashEnv } from "./environment.js";

describe("bashDockerfile", () => {
  const fragment = bashDockerfile("5.2", bashEnv);
  const lines = fragment.trimEnd().split("\n");

  it("switches to root and back to the sandbox user at the end", () => {
    expect(lines[0]).toBe("USER root");
    expect(lines.at(-1)).toBe("USER sandbox");
  });

  it("ships the install script and makes it executable", () => {
    expect(fragment).toContain("COPY isol8-apt-install /usr/local/bin/isol8-apt-install");
    expect(fragment).toContain("chmod 0755 /usr/local/bin/isol8-apt-install");
  });

  it("fails the build when bash is not the recorded version", () => {
    expect(fragment).toMatch(/\[\[ \$\{BASH_VERSINFO\[0\]\}\.\$\{BASH_VERSINFO\[1\]\} == 5\.2 \]\]/);
  });

  it("makes unpacked libraries loadable", () => {
    expect(fragment).toContain('LD_LIBRARY_PATH="/sandbox/.apt/root/usr/lib/x86_64-linux-gnu:');
  });
});
