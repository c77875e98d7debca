import type Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { findLeftovers } from "./cleanup.js";

const labels = (tag: string) => ({
  "org.isol8.managed": "true",
  "org.isol8.kind": "proxy",
  "org.isol8.tag": tag,
});

function fakeDocker(images: { Id: string; RepoTags: string[]; Labels: Record<string, string> }[]): Docker {
  return {
    listContainers: async () => [],
    listNetworks: async () => [],
    listImages: async () => images.map((image) => ({ ...image, Created: 1 })),
  } as unknown as Docker;
}

describe("findLeftovers", () => {
  it("removes a superseded image by id, never by the tag its successor now carries", async () => {
    const docker = fakeDocker([
      { Id: "sha256:new", RepoTags: ["isol8:proxy"], Labels: labels("isol8:proxy") },
      { Id: "sha256:old", RepoTags: ["<none>:<none>"], Labels: labels("isol8:proxy") },
      { Id: "sha256:user", RepoTags: ["myapp:1"], Labels: labels("isol8:proxy") },
    ]);
    const { images } = await findLeftovers(docker, { images: true });
    expect(images.map(({ id, tags }) => [id, tags])).toEqual([
      ["sha256:new", ["isol8:proxy"]],
      ["sha256:old", []],
    ]);
  });
});
