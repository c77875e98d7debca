// The least a Node.js process can do to run `python3 -c 'print(1)'` in a container, like `docker run --rm`: create
// (removed by the engine when it exits), attach, start, wait for the exit, print. No config, no hardening, no
// parsing, no libraries: the floor under any Node CLI's `run` that starts its own container (`--no-spare`).
const http = require("node:http");
const net = require("node:net");

const socketPath = (process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock").replace(/^unix:\/\//, "");
const connect = () => net.connect(socketPath);

function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { method, path, createConnection: connect, headers: { "content-type": "application/json" } },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          if ((response.statusCode ?? 500) >= 400) reject(new Error(`${method} ${path}: ${text}`));
          else resolve(text ? JSON.parse(text) : undefined);
        });
      },
    );
    request.on("error", reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function attach(id) {
  return new Promise((resolve, reject) => {
    const request = http.request({
      method: "POST",
      path: `/containers/${id}/attach?stream=1&stdout=1&stderr=1`,
      createConnection: connect,
      headers: { Connection: "Upgrade", Upgrade: "tcp" },
    });
    request.on("upgrade", (_response, socket) => resolve(socket));
    request.on("error", reject);
    request.end();
  });
}

/** Docker's multiplexed stream: an 8-byte header (stream, size) before each chunk. */
function demultiplex(buffer) {
  let out = "";
  for (let at = 0; at + 8 <= buffer.length; ) {
    const size = buffer.readUInt32BE(at + 4);
    if (buffer[at] === 1) out += buffer.subarray(at + 8, at + 8 + size).toString();
    at += 8 + size;
  }
  return out;
}

(async () => {
  const { Id: id } = await call("POST", "/containers/create", {
    Image: process.argv[2] ?? "isol8:python",
    Entrypoint: ["python3"],
    Cmd: ["-c", "print(1)"],
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: { NetworkMode: "none", AutoRemove: true },
  });
  const socket = await attach(id);
  const chunks = [];
  socket.on("data", (chunk) => chunks.push(chunk));
  const drained = new Promise((resolve) => socket.on("end", resolve));
  const exited = call("POST", `/containers/${id}/wait?condition=next-exit`);
  await call("POST", `/containers/${id}/start`);
  const [{ StatusCode: status }] = await Promise.all([exited, drained]);
  process.stdout.write(demultiplex(Buffer.concat(chunks)));
  process.exit(status);
})().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
