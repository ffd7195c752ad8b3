import type { FaultAction, FaultSpec } from "../types.ts";

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

type RequestFault = Extract<FaultAction, { kind: "status" | "stall" }>;
type LroFault = Extract<FaultAction, { kind: "lro-fail" }>;
type LroLatency = Extract<FaultAction, { kind: "lro-latency" }>;

/**
 * Injected faults, consumed in the order they were added: a request takes the first fault that matches it
 * and still has uses left. `status` and `stall` faults act on the request; `lro-fail` and `lro-latency` faults
 * are taken only when a write starts a long-running operation, so a rejected write does not use one up.
 */
export class FaultQueue {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    if (spec.times > 0) this.faults.push({ spec, remaining: spec.times });
  }

  clear(): void {
    this.faults = [];
  }

  takeRequestFault(method: string, path: string): RequestFault | null {
    const fault = this.take(method, path, (f): f is RequestFault => f.kind === "status" || f.kind === "stall");
    return fault;
  }

  takeLroFailure(method: string, path: string): LroFault | null {
    return this.take(method, path, (f): f is LroFault => f.kind === "lro-fail");
  }

  /** How long the matching write's operation takes, when a fault says (a slow NSG among healthy ones). */
  takeLroLatency(method: string, path: string): LroLatency | null {
    return this.take(method, path, (f): f is LroLatency => f.kind === "lro-latency");
  }

  private take<T extends FaultAction>(method: string, path: string, accepts: (f: FaultAction) => f is T): T | null {
    const lowerPath = path.toLowerCase();
    for (const entry of this.faults) {
      const { match, fault } = entry.spec;
      if (!accepts(fault)) continue;
      if (match.method && match.method.toUpperCase() !== method.toUpperCase()) continue;
      if (match.pathContains && !lowerPath.includes(match.pathContains.toLowerCase())) continue;
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.faults = this.faults.filter((f) => f !== entry);
      return fault;
    }
    return null;
  }
}
