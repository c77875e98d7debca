export { createRemoteEngine, type RemoteEngineOptions } from "./remote-engine.js";
