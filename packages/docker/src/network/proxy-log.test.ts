import { describe, expect, it } from "vitest";
import { demuxLogs, parseProxyLogLine, requestsOf } from "./proxy-log.js";

const line = (fields: (string | number)[]) => ["isol8", ...fields].join("\t");

describe("parseProxyLogLine", () => {
  it("reads an opened tunnel", () => {
    expect(
      parseProxyLogLine(
        line([1795678213.552, "172.21.0.4", "CONNECT", "pypi.org", 443, 200, 150, "TCP_TUNNEL", "-"]),
      ),
    ).toEqual({
      startedAt: 1795678213552,
      client: "172.21.0.4",
      entry: { host: "pypi.org", port: 443, method: "CONNECT", allowed: true, status: 200, durationMs: 150 },
    });
  });

  it.each([
    ["ERR_ISOL8_DENIED", "denied"],
    ["ERR_ISOL8_NOT_ALLOWED", "not-allowed"],
    ["ERR_ISOL8_PORT", "port"],
    ["ERR_ISOL8_BLOCKED_ADDRESS", "address"],
  ])("reads a refusal with page %s as %s", (page, reason) => {
    const record = parseProxyLogLine(
      line([1795678213.5, "172.21.0.4", "GET", "localhost", 80, 403, 0, "TCP_DENIED", page]),
    );
    expect(record?.entry).toEqual({
      host: "localhost",
      port: 80,
      method: "GET",
      allowed: false,
      reason,
      status: 403,
      durationMs: 0,
    });
  });

  it("keeps an allowed request that failed upstream as allowed, without a status it never got", () => {
    const record = parseProxyLogLine(
      line([
        1795678213.5,
        "172.21.0.4",
        "CONNECT",
        "a.npmjs.org",
        443,
        "-",
        3,
        "TCP_TUNNEL",
        "ERR_CONNECT_FAIL",
      ]),
    );
    expect(record?.entry).toMatchObject({ allowed: true, durationMs: 3 });
    expect(record?.entry).not.toHaveProperty("status");
    expect(record?.entry).not.toHaveProperty("reason");
  });

  it.each([
    ["Squid's cache log", "2026/11/26 07:29:52| Accepting HTTP Socket connections"],
    ["a line of another format", line([1, 2, 3])],
    ["a line without the tag", ["other", 1, "a", "GET", "h", 80, 200, 1, "TCP_MISS", "-"].join("\t")],
    ["a damaged start time", line(["x", "172.21.0.4", "GET", "h", 80, 200, 1, "TCP_MISS", "-"])],
  ])("ignores %s", (_, text) => {
    expect(parseProxyLogLine(text)).toBeUndefined();
  });
});

describe("requestsOf", () => {
  const log = [
    line([100.5, "172.21.0.4", "CONNECT", "late.example", 443, 200, 10, "TCP_TUNNEL", "-"]),
    line([99.0, "172.21.0.4", "CONNECT", "before.example", 443, 200, 10, "TCP_TUNNEL", "-"]),
    line([100.1, "172.21.0.5", "CONNECT", "neighbour.example", 443, 200, 10, "TCP_TUNNEL", "-"]),
    line([100.2, "172.21.0.4", "GET", "early.example", 80, 403, 0, "TCP_DENIED", "ERR_ISOL8_NOT_ALLOWED"]),
    line([102.0, "172.21.0.4", "CONNECT", "after.example", 443, 200, 10, "TCP_TUNNEL", "-"]),
    "",
  ];

  it("keeps the sandbox's own requests in its window, in the order they started", () => {
    const hosts = requestsOf(log, "172.21.0.4", { from: 100_000, to: 101_000 }).map((entry) => entry.host);
    expect(hosts).toEqual(["early.example", "late.example"]);
  });

  it("counts the window's edges in", () => {
    const hosts = requestsOf(log, "172.21.0.4", { from: 99_000, to: 102_000 }).map((entry) => entry.host);
    expect(hosts).toEqual(["before.example", "early.example", "late.example", "after.example"]);
  });
});

describe("demuxLogs", () => {
  it("splits the engine's frames by stream", () => {
    const frame = (stream: number, text: string) => {
      const header = Buffer.alloc(8);
      header[0] = stream;
      header.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([header, Buffer.from(text)]);
    };
    const buffer = Buffer.concat([frame(1, "out 1\n"), frame(2, "err\n"), frame(1, "out 2\n")]);
    expect(demuxLogs(buffer)).toEqual({ stdout: "out 1\nout 2\n", stderr: "err\n" });
  });
});
