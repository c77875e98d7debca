import { useHostCaBundle } from "../tests/docker/helpers/host-ca.js";
import { filteredPhase } from "./filtered-phases.js";

/** `node --import tsx bench/filtered.ts [iterations]`: the filtered phase of `pnpm bench` alone. */
useHostCaBundle();
const iterations = Number(process.argv[2] ?? 15);
const result = await filteredPhase(iterations, 250);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
