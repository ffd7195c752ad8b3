import { randomUUID } from "node:crypto";

export type OperationStatus = "InProgress" | "Succeeded" | "Failed";

export interface OperationFailure {
  code: string;
  message: string;
}

export interface Operation {
  id: string;
  /** e.g. "PutSecurityRuleOperation", used in conflict messages. */
  name: string;
  subscriptionId: string;
  location: string;
  /** Lower-case id of the NSG the operation holds. */
  nsgKey: string;
  startedAt: number;
  completesAt: number;
  status: OperationStatus;
  error: OperationFailure | null;
}

interface Pending {
  op: Operation;
  timer: NodeJS.Timeout;
  finish: () => void;
  waiters: Array<() => void>;
}

export interface StartOperation {
  name: string;
  subscriptionId: string;
  location: string;
  nsgKey: string;
  latencyMs: number;
  /** Set when a fault says this operation must end in Failed. */
  failure: OperationFailure | null;
  onSucceeded: () => void;
  onFailed: () => void;
}

/** How long finished operations stay queryable. */
const RETENTION_MS = 60 * 60 * 1000;

/**
 * Long-running operations: one per write, holding its NSG until it ends. Completion runs on a timer after
 * the configured write latency; `completeAll` ends every pending one at once (used on stop).
 */
export class OperationTracker {
  private readonly operations = new Map<string, Operation>();
  private readonly pending = new Map<string, Pending>();
  private readonly busyByNsg = new Map<string, Operation>();

  start(input: StartOperation): Operation {
    this.prune();
    const now = Date.now();
    const op: Operation = {
      id: randomUUID(),
      name: input.name,
      subscriptionId: input.subscriptionId,
      location: input.location,
      nsgKey: input.nsgKey,
      startedAt: now,
      completesAt: now + input.latencyMs,
      status: "InProgress",
      error: null,
    };
    const finish = (): void => {
      const entry = this.pending.get(op.id);
      if (!entry) return;
      clearTimeout(entry.timer);
      this.pending.delete(op.id);
      this.busyByNsg.delete(op.nsgKey);
      if (input.failure) {
        op.status = "Failed";
        op.error = input.failure;
        input.onFailed();
      } else {
        op.status = "Succeeded";
        input.onSucceeded();
      }
      for (const wake of entry.waiters) wake();
    };
    const timer = setTimeout(finish, input.latencyMs);
    timer.unref();
    this.operations.set(op.id, op);
    this.pending.set(op.id, { op, timer, finish, waiters: [] });
    this.busyByNsg.set(op.nsgKey, op);
    return op;
  }

  get(id: string): Operation | undefined {
    return this.operations.get(id.toLowerCase());
  }

  /** The operation currently holding an NSG, if any. */
  busy(nsgKey: string): Operation | undefined {
    return this.busyByNsg.get(nsgKey);
  }

  inProgressCount(): number {
    return this.pending.size;
  }

  /** Resolves when the operation ends or after `maxMs`, whichever comes first. */
  waitFor(op: Operation, maxMs: number): Promise<void> {
    const entry = this.pending.get(op.id);
    if (!entry) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, maxMs));
      timer.unref();
      entry.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Ends every pending operation now, as if its latency had passed. */
  completeAll(): void {
    for (const entry of [...this.pending.values()]) entry.finish();
  }

  /** Forgets everything without running completions (the estate they belonged to is gone). */
  clear(): void {
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
      for (const wake of entry.waiters) wake();
    }
    this.pending.clear();
    this.busyByNsg.clear();
    this.operations.clear();
  }

  private prune(): void {
    const cutoff = Date.now() - RETENTION_MS;
    for (const [id, op] of this.operations) {
      if (op.status !== "InProgress" && op.completesAt < cutoff) this.operations.delete(id);
    }
  }
}
