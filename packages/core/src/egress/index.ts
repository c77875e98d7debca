export { BLOCKED_ADDRESS_RANGES } from "./blocked-addresses.js";
export { proxyEnvironment } from "./proxy-environment.js";
export { LOG_TAG, type ParsedPolicy, PROXY_PORT, REFUSAL_PAGES, squidConfig } from "./squid-config.js";
