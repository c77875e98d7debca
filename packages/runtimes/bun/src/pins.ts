import type { NpmTarballPin } from "@isol8/core";

/**
 * Bun's "baseline" build, the default: it needs no AVX2, so the image also runs on older x86-64 CPUs and on
 * virtual machines whose CPU model hides AVX2, where the regular build dies with "Illegal instruction". It is a
 * little slower in some SIMD-heavy paths, which matters less here than running everywhere.
 */
export const defaultBunPin: NpmTarballPin = {
  package: "@oven/bun-linux-x64-baseline",
  version: "1.4.5",
  integrity:
    "sha512-s8yMwYcFnnrA178gji0gZbkE2WVDej/Ti1x770oPfihxyRxSMNhGhiAQNXV53aDeraZxksdvKV/RAdQBCd0qPA==",
};

/** The regular build, for hosts known to have AVX2: `bun({ bun: bunAvx2Pin })`. */
export const bunAvx2Pin: NpmTarballPin = {
  package: "@oven/bun-linux-x64",
  version: "1.4.5",
  integrity:
    "sha512-IWX9BELoGHAUtMonkeSaNaZwXzRk+oDw6Mk+HBFXd3KHYIBNBsIGRupMZPcgNoDbJpLu6gAJjIoIVPZtt1aJ1g==",
};
