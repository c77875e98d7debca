import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { registryCredentials } from "./registry-auth.js";

const dir = mkdtempSync(join(tmpdir(), "isol8-docker-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, "config.json"),
  JSON.stringify({
    auths: {
      "registry.example.com": { auth: Buffer.from("ci:s3cr:et").toString("base64") },
      "https://index.docker.io/v1/": { identitytoken: "token-1" },
    },
    credsStore: "desktop",
  }),
);

describe("registryCredentials", () => {
  it("reads the login `docker login` stored for the registry's host", () => {
    expect(registryCredentials("registry.example.com/team", dir)).toEqual({
      username: "ci",
      password: "s3cr:et",
      serveraddress: "registry.example.com",
    });
  });

  it("maps docker.io to Docker Hub's key", () => {
    expect(registryCredentials("docker.io/myteam", dir)).toEqual({
      identitytoken: "token-1",
      serveraddress: "https://index.docker.io/v1/",
    });
  });

  it("sends no login for a registry without an entry, or without a config file", () => {
    expect(registryCredentials("127.0.0.1:5000", dir)).toEqual({ serveraddress: "127.0.0.1:5000" });
    expect(registryCredentials("127.0.0.1:5000", join(dir, "missing"))).toEqual({
      serveraddress: "127.0.0.1:5000",
    });
  });
});
