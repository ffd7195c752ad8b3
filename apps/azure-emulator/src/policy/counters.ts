import type { EmulatorCounters } from "../types.ts";

export class Counters {
  private value: EmulatorCounters = Counters.empty();

  static empty(): EmulatorCounters {
    return { requests: 0, reads: 0, writes: 0, writesByNsg: {}, throttled: 0, conflicts: 0 };
  }

  request(isRead: boolean, nsgKey: string | null): void {
    this.value.requests += 1;
    if (isRead) {
      this.value.reads += 1;
      return;
    }
    this.value.writes += 1;
    if (nsgKey) this.value.writesByNsg[nsgKey] = (this.value.writesByNsg[nsgKey] ?? 0) + 1;
  }

  throttled(): void {
    this.value.throttled += 1;
  }

  conflict(): void {
    this.value.conflicts += 1;
  }

  snapshot(): EmulatorCounters {
    return { ...this.value, writesByNsg: { ...this.value.writesByNsg } };
  }

  reset(): void {
    this.value = Counters.empty();
  }
}
