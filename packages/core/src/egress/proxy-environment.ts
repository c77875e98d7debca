/** Hosts reached directly, never through the proxy: the sandbox's own loopback. */
const NO_PROXY = "localhost,127.0.0.1,::1";

/**
 * The variables that send a command's HTTP and HTTPS through the egress proxy: both spellings, since curl and apt
 * read only the lower-case `http_proxy` while others read either; pip, npm, bun, deno, curl and apt honour them as
 * they are. Node's own `fetch` and `https` ignore them unless NODE_USE_ENV_PROXY=1 (Node 24; tested). The proxy is
 * named by address: the sandbox cannot resolve names.
 */
export function proxyEnvironment(address: string, port: number): string[] {
  const url = `http://${address}:${port}`;
  return [
    `HTTP_PROXY=${url}`,
    `HTTPS_PROXY=${url}`,
    `http_proxy=${url}`,
    `https_proxy=${url}`,
    `NO_PROXY=${NO_PROXY}`,
    `no_proxy=${NO_PROXY}`,
    "NODE_USE_ENV_PROXY=1",
  ];
}
