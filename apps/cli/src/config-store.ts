import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { AuthConfigResponseSchema, type AuthConfigResponse } from "@portcullis/contract";
import { z } from "zod";

/**
 * Where the CLI keeps its login: PORTCULLIS_CONFIG_DIR, else $XDG_CONFIG_HOME/portcullis, else ~/.config/portcullis
 * (%APPDATA%\portcullis on Windows). The directory is 0700 and every file 0600: the token cache holds refresh tokens.
 */
export function configDir(env: Record<string, string | undefined>): string {
  if (env["PORTCULLIS_CONFIG_DIR"]) return env["PORTCULLIS_CONFIG_DIR"];
  if (env["XDG_CONFIG_HOME"]) return path.join(env["XDG_CONFIG_HOME"], "portcullis");
  if (process.platform === "win32" && env["APPDATA"]) return path.join(env["APPDATA"], "portcullis");
  return path.join(env["HOME"] ?? homedir(), ".config", "portcullis");
}

const SessionSchema = z.object({
  /** Origin of the Portcullis server, e.g. https://jit.example.com. */
  url: z.string(),
  /** The server's sign-in settings as read at login. */
  auth: AuthConfigResponseSchema,
  /** MSAL's account of the signed-in user. */
  homeAccountId: z.string(),
  username: z.string(),
});
export type Session = z.infer<typeof SessionSchema>;

export interface ConfigStore {
  dir: string;
  readSession(): Promise<Session | null>;
  writeSession(session: Session): Promise<void>;
  readTokenCache(): Promise<string | null>;
  writeTokenCache(serialized: string): Promise<void>;
  /** Removes the session and the token cache. */
  clear(): Promise<void>;
}

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

export function createConfigStore(dir: string): ConfigStore {
  const sessionFile = path.join(dir, "session.json");
  const cacheFile = path.join(dir, "token-cache.json");
  const writePrivate = async (file: string, text: string) => {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    await writeFile(file, text, { mode: 0o600 });
    // writeFile keeps the mode of an existing file: make sure it is 0600 whatever was there.
    await chmod(file, 0o600);
  };
  return {
    dir,
    async readSession() {
      const text = await readOrNull(sessionFile);
      if (text === null) return null;
      const parsed = SessionSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    },
    writeSession: (session) => writePrivate(sessionFile, `${JSON.stringify(session, null, 2)}\n`),
    readTokenCache: () => readOrNull(cacheFile),
    writeTokenCache: (serialized) => writePrivate(cacheFile, serialized),
    async clear() {
      await rm(sessionFile, { force: true });
      await rm(cacheFile, { force: true });
    },
  };
}

export type { AuthConfigResponse };
