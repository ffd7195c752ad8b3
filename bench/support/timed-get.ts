/** A GET with a bearer token, timed until the whole body has arrived and parsed; anything but 200 throws. */
export async function timedGetJson<T>(url: string, token: string): Promise<{ ms: number; body: T }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
  const text = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return { ms, body: JSON.parse(text) as T };
}

/** Latencies of `samples` sequential GETs after `warmup` unmeasured ones (JIT, caches and connections settle first). */
export async function sampleGet(url: string, token: string, counts: { warmup: number; samples: number }): Promise<number[]> {
  for (let i = 0; i < counts.warmup; i++) await timedGetJson<unknown>(url, token);
  const latencies: number[] = [];
  for (let i = 0; i < counts.samples; i++) latencies.push((await timedGetJson<unknown>(url, token)).ms);
  return latencies;
}
