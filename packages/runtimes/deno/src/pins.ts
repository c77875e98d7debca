import type { NpmTarballPin } from "@isol8/core";

/** Deno's own npm package of the glibc build (bookworm has glibc 2.36). */
export const defaultDenoPin: NpmTarballPin = {
  package: "@deno/linux-x64-glibc",
  version: "2.9.6",
  integrity:
    "sha512-3md4TKLCuzsLDmfOoC5KN7NAZaxSVkMgm64vg6foD00JBADCpYS2/5QqXfzgnP5ZQz3iLP9vBQJtEgc116OAoQ==",
};
