import type { Adapter, AdapterFactory, AdapterPayload } from "oidc-provider";

interface Entry {
  payload: AdapterPayload;
  expiresAt: number | undefined;
}

export interface MemoryStore {
  factory: AdapterFactory;
  clear(): void;
}

/**
 * Per-issuer storage for sessions, grants, codes and tokens. oidc-provider's bundled memory adapter keeps one
 * module-wide cache, which would let two issuers in one process (tests, restarts in-process) see each other's state.
 */
export function createMemoryStore(now: () => number = Date.now): MemoryStore {
  const entries = new Map<string, Entry>();
  /** "<model>:<grantId>" -> entry keys; revokeByGrantId is per model (an Interaction must survive its grant's revocation). */
  const grants = new Map<string, Set<string>>();
  const uids = new Map<string, string>();
  const userCodes = new Map<string, string>();

  const live = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  // Expired entries are dropped when read; a periodic sweep keeps a long-running dev server from growing.
  let writes = 0;
  const sweep = () => {
    for (const key of [...entries.keys()]) live(key);
    for (const [grantId, keys] of grants) {
      for (const key of keys) if (!entries.has(key)) keys.delete(key);
      if (keys.size === 0) grants.delete(grantId);
    }
    for (const index of [uids, userCodes]) {
      for (const [value, key] of index) if (!entries.has(key)) index.delete(value);
    }
  };

  const factory = (model: string): Adapter => {
    const keyOf = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        if (++writes % 256 === 0) sweep();
        const key = keyOf(id);
        entries.set(key, { payload: structuredClone(payload), expiresAt: expiresIn ? now() + expiresIn * 1000 : undefined });
        if (payload.grantId) {
          const grantKey = keyOf(payload.grantId);
          const keys = grants.get(grantKey) ?? new Set<string>();
          keys.add(key);
          grants.set(grantKey, keys);
        }
        if (payload.uid) uids.set(payload.uid, key);
        if (payload.userCode) userCodes.set(payload.userCode, key);
      },
      async find(id) {
        const payload = live(keyOf(id));
        return payload && structuredClone(payload);
      },
      async findByUid(uid) {
        const key = uids.get(uid);
        const payload = key === undefined ? undefined : live(key);
        return payload && structuredClone(payload);
      },
      async findByUserCode(userCode) {
        const key = userCodes.get(userCode);
        const payload = key === undefined ? undefined : live(key);
        return payload && structuredClone(payload);
      },
      async consume(id) {
        const entry = entries.get(keyOf(id));
        if (entry) entry.payload.consumed = Math.floor(now() / 1000);
      },
      async destroy(id) {
        entries.delete(keyOf(id));
      },
      async revokeByGrantId(grantId) {
        const grantKey = keyOf(grantId);
        for (const key of grants.get(grantKey) ?? []) entries.delete(key);
        grants.delete(grantKey);
      },
    };
  };

  return {
    factory,
    clear() {
      entries.clear();
      grants.clear();
      uids.clear();
      userCodes.clear();
    },
  };
}
