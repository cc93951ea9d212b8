import type { ActionLimits } from '../../src/lib/limits/action-limits';
import type { BrakeRow, LimitSnapshot, TargetRow } from '../../src/lib/limits/ledger';
import type { LimitsStore, StoredWrites } from '../../src/lib/limits/limits-store';

/** For tests of other parts of the pipeline: every call is admitted. */
export const admitAll: ActionLimits = { begin: () => ({ admit: () => Promise.resolve(undefined) }) };

type Versioned<T> = { value: T; etag: string };

/**
 * LimitsStore in memory with the table's semantics: a row read with an ETag is replaced only if
 * unchanged, a row read as absent is inserted only if still absent, all rows of a commit or none.
 */
export function memoryLimitsStore() {
  let version = 0;
  const etag = () => `W/"${++version}"`;
  let writes: StoredWrites = { enabled: true };
  let brake: Versioned<Omit<BrakeRow, 'etag'>> | undefined;
  const callers = new Map<string, Versioned<number[]>>();
  const targets = new Map<string, Versioned<Omit<TargetRow, 'etag'>>>();
  let commits = 0;
  let lostRaces = 0;

  const matches = (row: { etag: string } | undefined, expected: string | undefined) =>
    row === undefined ? expected === undefined : row.etag === expected;

  const store: LimitsStore = {
    read({ callerId, targetId, writesOnly }) {
      const caller = callerId === undefined ? undefined : callers.get(callerId);
      const target = targetId === undefined ? undefined : targets.get(targetId);
      const snapshot: LimitSnapshot = {
        writes: { enabled: writes.enabled },
        brake: writesOnly || !brake ? { engaged: false, recent: [] } : { ...brake.value, etag: brake.etag },
        caller: caller ? { calls: caller.value, etag: caller.etag } : { calls: [] },
        target:
          targetId === undefined
            ? undefined
            : target
              ? { ...target.value, etag: target.etag }
              : { taps: [], resets: [] },
      };
      return Promise.resolve(structuredClone(snapshot));
    },
    commit({ callerId, targetId, caller, target, brake: nextBrake }) {
      const ok =
        (!caller || matches(callers.get(callerId), caller.etag)) &&
        (!target || matches(targets.get(targetId), target.etag)) &&
        (!nextBrake || matches(brake, nextBrake.etag));
      if (!ok) {
        lostRaces += 1;
        return Promise.resolve(false);
      }
      commits += 1;
      if (caller) callers.set(callerId, { value: [...caller.calls], etag: etag() });
      if (target)
        targets.set(targetId, {
          value: { taps: [...target.taps], resets: [...target.resets] },
          etag: etag(),
        });
      if (nextBrake) {
        brake = {
          value: {
            engaged: nextBrake.engaged,
            recent: [...nextBrake.recent],
            ...(nextBrake.trippedAt ? { trippedAt: nextBrake.trippedAt } : {}),
          },
          etag: etag(),
        };
      }
      return Promise.resolve(true);
    },
    readState() {
      return Promise.resolve({
        writes: { ...writes },
        brake: brake ? { ...structuredClone(brake.value), etag: brake.etag } : { engaged: false, recent: [] },
      });
    },
    setWrites(enabled, changedBy) {
      writes = { enabled, changedAt: new Date().toISOString(), changedBy };
      return Promise.resolve({ ...writes });
    },
    releaseBrake() {
      if (!brake?.value.engaged) return Promise.resolve({ wasEngaged: false });
      const { trippedAt } = brake.value;
      brake = { value: { engaged: false, recent: [] }, etag: etag() };
      return Promise.resolve({ wasEngaged: true, ...(trippedAt ? { trippedAt } : {}) });
    },
  };
  return {
    store,
    stats: () => ({ commits, lostRaces }),
    brake: () => brake?.value,
    target: (id: string) => targets.get(id)?.value,
    callerCalls: (id: string) => callers.get(id)?.value ?? [],
  };
}
