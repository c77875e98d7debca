import { Isol8Error, type SandboxFileInput } from "@isol8/core";
import type { FileInput } from "./schemas.js";

/** Strict base64 (standard or URL-safe alphabet): Node's decoder would silently drop anything else. */
const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;

export function decodeContent(
  path: string,
  content: string,
  encoding: "utf8" | "base64",
): Uint8Array<ArrayBuffer> {
  if (encoding === "utf8") return new TextEncoder().encode(content);
  if (!BASE64.test(content)) {
    throw new Isol8Error("INVALID_INPUT", `the content of "${path}" is not valid base64`, {
      hint: 'Send text with encoding "utf8".',
    });
  }
  return new Uint8Array(Buffer.from(content, "base64"));
}

export function filesFromInput(files: readonly FileInput[]): SandboxFileInput[] {
  return files.map((file) => ({
    path: file.path,
    content: decodeContent(file.path, file.content, file.encoding),
    executable: file.executable,
  }));
}

/**
 * A file's bytes as text for the client: as asked, or utf8 when they are valid UTF-8 and base64 otherwise, so
 * binary never reaches a model as mojibake.
 */
export function encodeContent(
  path: string,
  bytes: Uint8Array,
  asked: "utf8" | "base64" | undefined,
): { content: string; encoding: "utf8" | "base64" } {
  if (asked === "base64") return { content: Buffer.from(bytes).toString("base64"), encoding: "base64" };
  try {
    return { content: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf8" };
  } catch {
    if (asked === "utf8") {
      throw new Isol8Error("INVALID_INPUT", `"${path}" is not valid UTF-8 text`, {
        hint: 'Read it with encoding "base64".',
      });
    }
    return { content: Buffer.from(bytes).toString("base64"), encoding: "base64" };
  }
}
