import { describe, expect, it } from "vitest";
import { checkPin, downloadVerified, sha512Hex, tarballUrl } from "./npm-tarball.js";

// SHA-512 of the empty string, as npm writes it and as sha512sum prints it.
const EMPTY_INTEGRITY =
  "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==";
const EMPTY_HEX =
  "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

describe("npm tarballs", () => {
  it("builds the registry's tarball URL, scoped or not", () => {
    expect(tarballUrl({ package: "npm", version: "11.21.2", integrity: EMPTY_INTEGRITY })).toBe(
      "https://registry.npmjs.org/npm/-/npm-11.21.2.tgz",
    );
    expect(tarballUrl({ package: "@oven/bun-linux-x64", version: "1.4.5", integrity: EMPTY_INTEGRITY })).toBe(
      "https://registry.npmjs.org/@oven/bun-linux-x64/-/bun-linux-x64-1.4.5.tgz",
    );
  });

  it("turns dist.integrity into the hex digest sha512sum checks", () => {
    expect(sha512Hex(EMPTY_INTEGRITY)).toBe(EMPTY_HEX);
  });

  it.each(["sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=", "sha512-short==", "", `${EMPTY_INTEGRITY}; rm -rf /`])(
    "refuses the integrity %j",
    (integrity) => {
      expect(() => sha512Hex(integrity)).toThrow(/not a sha512 integrity string/);
    },
  );

  it("downloads, then stops the build unless the digest matches", () => {
    const steps = downloadVerified(
      { package: "npm", version: "1.0.0", integrity: EMPTY_INTEGRITY },
      "/tmp/x.tgz",
    );
    expect(steps).toEqual([
      "curl -fsSL --retry 3 -o /tmp/x.tgz https://registry.npmjs.org/npm/-/npm-1.0.0.tgz",
      `echo "${EMPTY_HEX}  /tmp/x.tgz" | sha512sum --check --strict --quiet -`,
    ]);
  });

  it("refuses pins that would not be safe in a Dockerfile, naming the field", () => {
    const good = { package: "npm", version: "1.0.0", integrity: EMPTY_INTEGRITY };
    expect(checkPin("npm", good)).toBe(good);
    expect(() => checkPin("npm", { ...good, package: "npm; curl evil" })).toThrow(/npm.package/);
    expect(() => checkPin("npm", { ...good, version: "latest" })).toThrow(/npm.version/);
    expect(() => checkPin("npm", { ...good, integrity: "sha512-x" })).toThrow(/npm.integrity/);
  });
});
