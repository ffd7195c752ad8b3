// `npm run doctor`: checks the configuration against Azure (or the local emulator) before the first start.
import { ConfigError, formatFindings } from "@portcullis/bff";
import { doctorFromEnv } from "./doctor-run.ts";

doctorFromEnv(process.env)
  .then((findings) => {
    console.log(formatFindings(findings));
    process.exit(findings.every((f) => f.ok) ? 0 : 1);
  })
  .catch((error: unknown) => {
    console.error(`[portcullis doctor] ${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  });
