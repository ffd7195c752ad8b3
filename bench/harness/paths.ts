import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (bench/ sits directly under it). */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const resultsFile = path.join(repoRoot, "bench", "results", "latest.json");
