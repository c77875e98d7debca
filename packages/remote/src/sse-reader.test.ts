import { describe, expect, it } from "vitest";
import { readSse } from "./sse-reader.js";

function body(chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
}

async function all(chunks: string[]) {
  const events = [];
  for await (const event of readSse(body(chunks))) events.push(event);
  return events;
}

describe("readSse", () => {
  it("parses frames split anywhere across chunks, skipping comments", async () => {
    expect(
      await all([
        "id: 1\nevent: std",
        'out\ndata: {"data":"a"}\n',
        "\n: keep-alive\n\nid: 2\nda",
        "ta: 2\n\n",
      ]),
    ).toEqual([
      { id: "1", event: "stdout", data: '{"data":"a"}' },
      { id: "2", event: "message", data: "2" },
    ]);
  });

  it("joins several data lines with newlines and reads CRLF line ends", async () => {
    expect(await all(["data: one\r\ndata: two\r\n\r\n"])).toEqual([
      { id: undefined, event: "message", data: "one\ntwo" },
    ]);
  });

  it("yields a last frame that lacks its blank line", async () => {
    expect(await all(["event: result\ndata: {}"])).toEqual([{ id: undefined, event: "result", data: "{}" }]);
  });

  it("cancels the body when the reader stops early", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("data: 1\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _ of readSse(stream)) break;
    expect(cancelled).toBe(true);
  });
});
