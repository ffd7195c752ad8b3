import { spawn } from "node:child_process";
import { ApiClient } from "./api.ts";
import { accessToken, requireSession } from "./auth.ts";
import { configDir, createConfigStore, type ConfigStore, type Session } from "./config-store.ts";

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Runs a program attached to this terminal (ssh, an .rdp opener); resolves with its exit code. */
  run(command: string, args: readonly string[], env: Record<string, string | undefined>): Promise<number>;
  openBrowser(url: string): Promise<void>;
}

function runAttached(command: string, args: readonly string[], env: Record<string, string | undefined>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env });
    child.once("error", (error: NodeJS.ErrnoException) => reject(error.code === "ENOENT" ? new Error(`${command} is not installed or not on PATH`) : error));
    child.once("exit", (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

function openerFor(platform: NodeJS.Platform): [string, string[]] {
  if (platform === "darwin") return ["open", []];
  if (platform === "win32") return ["cmd", ["/c", "start", ""]];
  return ["xdg-open", []];
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    run: runAttached,
    async openBrowser(url) {
      const [command, args] = openerFor(process.platform);
      const child = spawn(command, [...args, url], { stdio: "ignore", detached: true });
      child.once("error", () => undefined);
      child.unref();
    },
  };
}

export { openerFor };

/** What every command gets: output, the config store, whether to print JSON, and the API once signed in. */
export class CliContext {
  readonly io: CliIo;
  readonly store: ConfigStore;
  json = false;
  #session: Session | undefined;

  constructor(io: CliIo) {
    this.io = io;
    this.store = createConfigStore(configDir(io.env));
  }

  /** Progress and messages for people: stderr, so stdout stays the result. */
  say(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  out(text: string): void {
    this.io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  printJson(value: unknown): void {
    this.out(JSON.stringify(value, null, 2));
  }

  async session(): Promise<Session> {
    this.#session ??= await requireSession(this.store);
    return this.#session;
  }

  async api(): Promise<ApiClient> {
    const session = await this.session();
    return new ApiClient(session.url, () => accessToken(this.store, session));
  }

  /** How long to wait between polls (PORTCULLIS_POLL_MS for tests). */
  pollMs(): number {
    const value = Number(this.io.env["PORTCULLIS_POLL_MS"]);
    return Number.isInteger(value) && value > 0 ? value : 2000;
  }
}
