import { execFileSync } from "node:child_process";
import os from "node:os";

export interface MachineInfo {
  cpuModel: string;
  /** Logical CPUs this process may use. */
  cores: number;
  memoryGiB: number;
  platform: string;
  nodeVersion: string;
  /** Load average over the last minute when the run started: other work on a shared machine skews the numbers. */
  loadAverage1m: number;
  /** null outside a git work tree. */
  gitCommit: string | null;
  /** Whether tracked files differ from the commit (so the numbers are of uncommitted code). */
  gitDirty: boolean | null;
  date: string;
}

function git(root: string, args: string[]): string | null {
  try {
    // --no-optional-locks: a status must not take the index lock from someone committing meanwhile.
    return execFileSync("git", ["--no-optional-locks", ...args], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export function describeMachine(root: string, now: Date = new Date()): MachineInfo {
  const status = git(root, ["status", "--porcelain", "--untracked-files=no"]);
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    nodeVersion: process.version,
    loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    gitCommit: git(root, ["rev-parse", "HEAD"]),
    gitDirty: status === null ? null : status !== "",
    date: now.toISOString(),
  };
}
