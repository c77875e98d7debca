import { describe, expect, it } from "vitest";
import { SecretMasker } from "./secret-masker.js";

function maskChunks(secrets: string[], chunks: string[]): string {
  const masker = new SecretMasker(secrets);
  return chunks.map((chunk) => masker.push(chunk)).join("") + masker.flush();
}

describe("SecretMasker", () => {
  it("masks every occurrence", () => {
    expect(maskChunks(["hunter2"], ["pw=hunter2 and hunter2\n"])).toBe("pw=*** and ***\n");
  });

  it("masks a secret split across chunks at every possible point", () => {
    const text = "token: s3cr3t-value!";
    for (let cut = 0; cut <= text.length; cut++) {
      for (let second = cut; second <= text.length; second++) {
        const chunks = [text.slice(0, cut), text.slice(cut, second), text.slice(second)];
        expect(maskChunks(["s3cr3t-value"], chunks)).toBe("token: ***!");
      }
    }
  });

  it("releases a held-back prefix that turned out not to be a secret", () => {
    const masker = new SecretMasker(["abcdef"]);
    expect(masker.push("xxabc")).toBe("xx");
    expect(masker.push("xyz")).toBe("abcxyz");
    expect(masker.flush()).toBe("");
  });

  it("masks the longer of two overlapping secrets whole", () => {
    expect(maskChunks(["abc", "abcdef"], ["abcdef abc"])).toBe("*** ***");
  });

  it("passes text through untouched when there are no secrets", () => {
    expect(maskChunks([], ["a", "b"])).toBe("ab");
    expect(maskChunks([""], ["a"])).toBe("a");
  });
});
