import { describe, expect, it } from "vitest";
import { pushFailed } from "./push-image.js";

/** Reasons as Docker 20.10 words them in a push's error event. */
describe("pushFailed", () => {
  it.each([
    [
      'Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused',
      "Nothing answers at registry.example.com:",
    ],
    [
      'Get "https://registry.example.com/v2/": http: server gave HTTP response to HTTPS client',
      "insecure-registries",
    ],
    ["unauthorized: authentication required", "docker login registry.example.com"],
    ["denied: requested access to the resource is denied", "docker login registry.example.com"],
    ['Get "https://registry.example.com/v2/": x509: certificate signed by unknown authority', "certs.d/"],
    ["something new", "docker push registry.example.com/team/isol8:python"],
  ])("%s", (reason, hint) => {
    const error = pushFailed("registry.example.com/team", "isol8:python", new Error(`${reason}\nmore`));
    expect(error).toMatchObject({ code: "IMAGE_PUSH_FAILED" });
    expect(error.message).toBe(`Pushing isol8:python to registry.example.com/team failed: ${reason}`);
    expect(error.hint).toContain(hint);
  });
});
