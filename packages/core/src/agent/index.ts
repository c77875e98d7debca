export {
  AgentConnection,
  type AgentStreams,
  type CommandExit,
  type CommandHandlers,
  type CommandSpec,
} from "./agent-connection.js";
export { readSandboxFiles, runQuietly, runSetup } from "./agent-steps.js";
export { commandEnvironment } from "./command-environment.js";
export { OutputCollector, type OutputCollectorOptions, type StreamName } from "./output-collector.js";
export {
  AGENT_PROTOCOL_VERSION,
  type AgentFrame,
  AgentFrameDecoder,
  encodeHostFrame,
  type HostFrame,
  MAX_FRAME_PAYLOAD,
} from "./protocol.js";
export { SECRET_MASK, SecretMasker } from "./secret-masker.js";
export { signalName } from "./signal-names.js";
