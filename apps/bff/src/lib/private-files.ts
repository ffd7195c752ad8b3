import { chmod, lstat, mkdir, readdir } from "node:fs/promises";
import path from "node:path";

/**
 * DATA_DIR holds the database (webhook secrets, who may do what), the audit signing key and the local issuer's
 * keys: only the account the BFF runs as may enter it, whatever the umask says.
 */
export const privateDirMode = 0o700;
export const privateFileMode = 0o600;

/** Creates `dir` (and missing parents) as 0700, and makes an existing one 0700. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: privateDirMode });
  await chmod(dir, privateDirMode);
}

/**
 * Makes every directory under `root` (and `root`) 0700 and every file 0600, for trees a library writes with its
 * own modes (PGlite creates 0755/0644). Symbolic links are left alone (chmod would follow them).
 */
export async function restrictTree(root: string): Promise<void> {
  const stat = await lstat(root);
  if (stat.isSymbolicLink()) return;
  if (!stat.isDirectory()) {
    await chmod(root, privateFileMode);
    return;
  }
  await chmod(root, privateDirMode);
  for (const entry of await readdir(root)) await restrictTree(path.join(root, entry));
}
