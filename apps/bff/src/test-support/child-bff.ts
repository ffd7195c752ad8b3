import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { IssuerMetadata } from "@portcullis/local-issuer";
import type { LocalIssuerInfo } from "../lib/auth/local-sign-in.ts";

const mainScript = fileURLToPath(new URL("../main.ts", import.meta.url));

/** A BFF in its own process (`node apps/bff/src/main.ts`), as `npm start` runs it. */
export interface ChildBff {
  /** The portal origin, e.g. http://localhost:41234 (what sign-in redirects to). */
  url: string;
  process: ChildProcess;
  localIssuer: LocalIssuerInfo;
  /** Ends the process with the signal and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** What it wrote so far (logs go to stdout), for failure messages. */
  output(): string;
}

/**
 * Starts `main.ts` with `env` (PORT=0 and HOST=127.0.0.1 unless given) and resolves once it prints that it
 * listens, which is after start-up work such as closing overdue grants.
 */
export async function startChildBff(env: Record<string, string>, timeoutMs = 30_000): Promise<ChildBff> {
  const child = spawn(process.execPath, [mainScript], {
    env: { PATH: process.env["PATH"] ?? "", PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the BFF did not start in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(stdout);
      if (match !== null) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the BFF exited with ${String(code)} before listening: ${stderr}`));
    });
  });
  const url = `http://localhost:${port}`;
  const metadata = (await (await fetch(`${url}/oidc/.well-known/openid-configuration`)).json()) as IssuerMetadata;
  const localIssuer: LocalIssuerInfo = {
    issuer: metadata.issuer,
    metadata,
    jwks: async () => (await (await fetch(metadata.jwks_uri)).json()) as Awaited<ReturnType<LocalIssuerInfo["jwks"]>>,
  };
  return {
    url,
    process: child,
    localIssuer,
    async kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    output: () => `${stdout}${stderr}`,
  };
}
