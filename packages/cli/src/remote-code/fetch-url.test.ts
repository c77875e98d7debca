import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from "vitest";
import { type CodeServer, startCodeServer } from "./code-server.test-support.js";
import { checkScheme, type FetchUrlOptions, fetchUrl } from "./fetch-url.js";
import type { HostResolver, ResolvedAddress } from "./resolve-host.js";

// Every test connects to 127.0.0.1 only: other addresses come from the injected resolver and must be refused
// before any connection (the spy on Socket.prototype.connect proves it).
const CODE = "print('hello from a url')\n";
const MiB = 1024 * 1024;

let server: CodeServer;
let endlessBody: { written: number; closed: boolean };

beforeAll(async () => {
  endlessBody = { written: 0, closed: false };
  server = await startCodeServer({
    "/hello.py": (_request, response) => {
      response.writeHead(200, { "content-type": "text/x-python" }).end(CODE);
    },
    "/moved": (_request, response) => {
      response.writeHead(302, { location: "/hello.py" }).end();
    },
    "/loop": (_request, response) => {
      response.writeHead(301, { location: "/loop" }).end();
    },
    "/to-internal": (_request, response) => {
      response.writeHead(307, { location: "http://internal.test/x.py" }).end();
    },
    "/to-metadata": (_request, response) => {
      response.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
    },
    "/to-file": (_request, response) => {
      response.writeHead(302, { location: "file:///etc/passwd" }).end();
    },
    "/no-location": (_request, response) => {
      response.writeHead(302).end();
    },
    "/announced-large": (_request, response) => {
      response.writeHead(200, { "content-length": String(2 * MiB) });
      response.write("x");
    },
    "/exactly-cap": (_request, response) => {
      response.writeHead(200).end("y".repeat(1000));
    },
    "/endless": (_request, response) => {
      // Chunked, no Content-Length: only the running count can stop it.
      response.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, "z");
      response.on("close", () => {
        endlessBody.closed = true;
      });
      const pump = () => {
        while (!endlessBody.closed && endlessBody.written < 64 * MiB) {
          endlessBody.written += chunk.length;
          if (!response.write(chunk)) return void response.once("drain", pump);
        }
        response.end();
      };
      pump();
    },
    "/silent": () => {
      // Never answers: only the deadline ends the request.
    },
    "/drip": (_request, response) => {
      response.writeHead(200);
      const timer = setInterval(() => response.write("#"), 50);
      response.on("close", () => clearInterval(timer));
    },
    "/gzip": (_request, response) => {
      response.writeHead(200, { "content-encoding": "gzip" }).end("not really gzip");
    },
  });
});

afterAll(async () => {
  await server.close();
});

let connect: MockInstance;
afterEach(() => {
  connect?.mockRestore();
});
/** Counts outgoing TCP connections (and lets them happen). */
function watchConnections(): MockInstance {
  connect = vi.spyOn(net.Socket.prototype, "connect");
  return connect;
}

const resolverOf =
  (table: Record<string, string[]>): HostResolver =>
  async (hostname) => {
    const addresses = table[hostname];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return addresses.map((address): ResolvedAddress => ({ address, family: address.includes(":") ? 6 : 4 }));
  };

const testOptions: FetchUrlOptions = {
  allowInsecure: true,
  allowLoopbackForTests: true,
  resolver: resolverOf({ "code.test": ["127.0.0.1"], "internal.test": ["10.0.0.1"] }),
};
const url = (path: string) => new URL(`${server.origin}${path}`);

describe("fetchUrl: what it fetches", () => {
  it("reads a file from the loopback test server when the test option allows loopback", async () => {
    const fetched = await fetchUrl(url("/hello.py"), testOptions);
    expect(fetched.body.toString()).toBe(CODE);
    expect(fetched.redirects).toBe(0);
  });

  it("resolves a name once and connects to the address it checked, keeping the name in the Host header", async () => {
    let calls = 0;
    // A rebinding resolver: public-looking the first time, internal afterwards. Only the first answer is used.
    const rebinding: HostResolver = async () => {
      calls++;
      return [{ address: calls === 1 ? "127.0.0.1" : "10.0.0.1", family: 4 }];
    };
    const fetched = await fetchUrl(new URL(`http://code.test:${server.port}/hello.py`), {
      ...testOptions,
      resolver: rebinding,
    });
    expect(fetched.body.toString()).toBe(CODE);
    expect(calls).toBe(1);
    expect(server.hosts.at(-1)).toBe(`code.test:${server.port}`);
  });

  it("follows a redirect, checking the target like the first URL", async () => {
    const fetched = await fetchUrl(url("/moved"), testOptions);
    expect(fetched.body.toString()).toBe(CODE);
    expect(fetched.redirects).toBe(1);
    expect(fetched.url.pathname).toBe("/hello.py");
  });

  it("accepts a body of exactly the cap", async () => {
    const fetched = await fetchUrl(url("/exactly-cap"), { ...testOptions, maxBytes: 1000 });
    expect(fetched.body.length).toBe(1000);
  });
});

describe("fetchUrl: refusals", () => {
  it("refuses http without allowInsecure, before connecting", async () => {
    const before = server.connections();
    await expect(fetchUrl(url("/hello.py"), { ...testOptions, allowInsecure: false })).rejects.toMatchObject({
      code: "URL_REFUSED",
      message: expect.stringMatching(
        /^Refused http:\/\/127\.0\.0\.1:\d+\/hello\.py: only https URLs are fetched$/,
      ),
      hint: expect.stringContaining("--allow-insecure-url"),
    });
    expect(server.connections()).toBe(before);
  });

  it.each([
    ["ftp://example.com/x.py", /ftp URLs are not fetched, only https/],
    ["file:///etc/passwd", /file URLs are not fetched, only https/],
    ["data:text/plain,print(1)", /data URLs are not fetched, only https/],
  ])("refuses %s", (text, message) => {
    expect(() => checkScheme({ url: new URL(text), from: undefined }, true)).toThrow(message);
  });

  it("refuses an https URL redirected to http unless allowInsecure", () => {
    const hop = { url: new URL("http://example.com/x.py"), from: new URL("https://example.com/x.py") };
    expect(() => checkScheme(hop, false)).toThrow(
      "Refused http://example.com/x.py (redirected from https://example.com/x.py): only https URLs are fetched",
    );
    expect(() => checkScheme(hop, true)).not.toThrow();
  });

  it.each([
    "http://127.0.0.1:PORT/hello.py",
    "http://127.1:PORT/hello.py",
    "http://2130706433:PORT/hello.py",
    "http://0x7f.0.0.1:PORT/hello.py",
    "http://[::1]:PORT/hello.py",
    "http://[::ffff:127.0.0.1]:PORT/hello.py",
    "http://code.test:PORT/hello.py",
  ])("refuses loopback without the test option: %s", async (text) => {
    const before = server.connections();
    const spy = watchConnections();
    const target = new URL(text.replace("PORT", String(server.port)));
    await expect(fetchUrl(target, { ...testOptions, allowLoopbackForTests: false })).rejects.toMatchObject({
      code: "URL_REFUSED",
      message: expect.stringMatching(/(127\.0\.0\.1|::1|::ffff:7f00:1), a loopback address$/),
    });
    expect(spy).not.toHaveBeenCalled();
    expect(server.connections()).toBe(before);
  });

  it.each([
    [["10.0.0.1"], "10.0.0.1, a private address"],
    [["192.168.0.10"], "192.168.0.10, a private address"],
    [["169.254.169.254"], "169.254.169.254, a link-local address"],
    [["100.64.0.1"], "100.64.0.1, a carrier-grade NAT address"],
    [["fd00::1"], "fd00::1, a unique-local address"],
    [["fe80::1"], "fe80::1, a link-local address"],
    [["::ffff:10.0.0.1"], "::ffff:10.0.0.1, a private address"],
    [["0.0.0.0"], "0.0.0.0, the unspecified address"],
    [["224.0.0.1"], "224.0.0.1, a multicast address"],
    // One internal answer among public ones is enough to refuse: which one a connection would use is not ours.
    [["8.8.8.8", "10.0.0.1"], "10.0.0.1, a private address"],
  ])("refuses a name resolving to %j after resolution, without connecting", async (addresses, words) => {
    const spy = watchConnections();
    const target = new URL("https://internal.test/x.py");
    await expect(
      fetchUrl(target, { ...testOptions, resolver: resolverOf({ "internal.test": addresses }) }),
    ).rejects.toMatchObject({
      code: "URL_REFUSED",
      message: expect.stringContaining(
        `Refused https://internal.test/x.py: internal.test resolves to ${words}`,
      ),
      hint: expect.stringContaining("only from public addresses"),
    });
    expect(spy).not.toHaveBeenCalled();
  });

  it("refuses a redirect to a name that resolves to a private address, connecting only to the first server", async () => {
    const spy = watchConnections();
    await expect(fetchUrl(url("/to-internal"), testOptions)).rejects.toMatchObject({
      code: "URL_REFUSED",
      message: expect.stringMatching(
        /^Refused http:\/\/internal\.test\/x\.py \(redirected from http:\/\/127\.0\.0\.1:\d+\/to-internal\): internal\.test resolves to 10\.0\.0\.1, a private address$/,
      ),
    });
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it("refuses a redirect to the cloud metadata address and to a file: URL", async () => {
    const spy = watchConnections();
    await expect(fetchUrl(url("/to-metadata"), testOptions)).rejects.toMatchObject({
      code: "URL_REFUSED",
      message: expect.stringContaining(": 169.254.169.254, a link-local address"),
    });
    await expect(fetchUrl(url("/to-file"), testOptions)).rejects.toMatchObject({
      code: "URL_REFUSED",
      message: expect.stringContaining(": file URLs are not fetched, only https"),
    });
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it("refuses more redirects than allowed", async () => {
    await expect(fetchUrl(url("/loop"), { ...testOptions, maxRedirects: 2 })).rejects.toMatchObject({
      code: "URL_REFUSED",
      message: expect.stringMatching(/: it redirects more than 2 times$/),
    });
  });

  it("refuses a body whose Content-Length is over the cap without reading it", async () => {
    await expect(fetchUrl(url("/announced-large"), { ...testOptions, maxBytes: MiB })).rejects.toMatchObject({
      code: "URL_REFUSED",
      message: expect.stringMatching(/: it is larger than 1 MiB$/),
      hint: expect.stringContaining("--max-url-bytes"),
    });
  });

  it("cuts an endless body at the cap: the server sees the connection close", async () => {
    await expect(fetchUrl(url("/endless"), { ...testOptions, maxBytes: 256 * 1024 })).rejects.toMatchObject({
      code: "URL_REFUSED",
      message: expect.stringMatching(/: it is larger than 256 KiB$/),
    });
    await vi.waitFor(() => expect(endlessBody.closed).toBe(true));
    expect(endlessBody.written).toBeLessThan(64 * MiB);
  });

  it("refuses a body one byte over the cap", async () => {
    await expect(fetchUrl(url("/exactly-cap"), { ...testOptions, maxBytes: 999 })).rejects.toMatchObject({
      code: "URL_REFUSED",
      message: expect.stringMatching(/: it is larger than 999 bytes$/),
    });
  });

  it("refuses an encoded body (it would run as compressed bytes)", async () => {
    await expect(fetchUrl(url("/gzip"), testOptions)).rejects.toMatchObject({
      code: "URL_REFUSED",
      message: expect.stringMatching(/: it is sent gzip-encoded$/),
    });
  });
});

describe("fetchUrl: failures", () => {
  it.each(["/silent", "/drip"])("times out on %s (no answer, or a body that never ends)", async (path) => {
    const started = Date.now();
    await expect(fetchUrl(url(path), { ...testOptions, timeoutMs: 300 })).rejects.toMatchObject({
      code: "URL_FETCH_FAILED",
      message: expect.stringMatching(/: timed out after 300ms$/),
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("times out while a name does not resolve", async () => {
    const hanging: HostResolver = () => new Promise(() => undefined);
    await expect(
      fetchUrl(new URL("https://slow.test/x.py"), { ...testOptions, resolver: hanging, timeoutMs: 200 }),
    ).rejects.toMatchObject({
      code: "URL_FETCH_FAILED",
      message: "Cannot fetch https://slow.test/x.py: timed out after 200ms resolving slow.test",
    });
  });

  it("reports an HTTP error status, a redirect without a target and an unknown name", async () => {
    await expect(fetchUrl(url("/missing.py"), testOptions)).rejects.toMatchObject({
      code: "URL_FETCH_FAILED",
      message: expect.stringMatching(/: HTTP 404 Not Found$/),
    });
    await expect(fetchUrl(url("/no-location"), testOptions)).rejects.toMatchObject({
      code: "URL_FETCH_FAILED",
      message: expect.stringMatching(/: HTTP 302 without a Location header$/),
    });
    await expect(fetchUrl(new URL("https://nowhere.test/x.py"), testOptions)).rejects.toMatchObject({
      code: "URL_FETCH_FAILED",
      message: "Cannot fetch https://nowhere.test/x.py: cannot resolve nowhere.test (ENOTFOUND)",
    });
  });

  it("reports a refused connection", async () => {
    const closed = await startCodeServer({});
    await closed.close();
    await expect(fetchUrl(new URL(`${closed.origin}/x.py`), testOptions)).rejects.toMatchObject({
      code: "URL_FETCH_FAILED",
      message: expect.stringContaining("ECONNREFUSED"),
    });
  });

  it("never shows a password from the URL", async () => {
    const target = new URL(`http://user:s3cret@127.0.0.1:${server.port}/missing.py`);
    const error = await fetchUrl(target, testOptions).catch((caught: unknown) => caught);
    expect(String((error as Error).message)).not.toContain("s3cret");
  });
});
