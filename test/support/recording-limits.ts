import { type ActionLimitsDeps, createActionLimits } from '../../src/lib/limits/action-limits';
import type { LimitsStore } from '../../src/lib/limits/limits-store';
import type { NewRecoveryEvent } from '../../src/lib/storage/recovery-events';

/** Action limits over `store` that keep the events they publish, for the test to read. */
export function recordingLimits(store: LimitsStore, settings: ActionLimitsDeps['settings']) {
  const events: NewRecoveryEvent[] = [];
  const limits = createActionLimits({
    store,
    settings,
    events: {
      publish: (event) => {
        events.push(event);
        return Promise.resolve({ ...event, schemaVersion: 1, eventId: 'e', time: '' });
      },
    },
    log: { warn: () => undefined },
  });
  return { limits, events };
}
