import { isAtRisk, type RegistrationClass, TELEPHONY_RETIREMENT } from '../../src/lib/registration/classify';
import { type AtRiskUser, type ClassCounts, emptyCounts } from '../../src/lib/registration/snapshot';
import { WEEK } from './lockout-plan';
import type { TenantUser } from './population';
import type { Random } from './random';

/** One weekly registration snapshot, as the scan would have stored it that week. */
export interface PlannedSnapshot {
  runId: string;
  startedAt: Date;
  finishedAt: Date;
  week: number;
  users: number;
  counts: ClassCounts;
  atRisk: AtRiskUser[];
}

/** What a user had registered before reaching today's class: worse, never better. */
const EARLIER: Record<'single_method' | 'sms_voice_only' | 'no_mfa', readonly string[]> = {
  single_method: ['microsoftAuthenticatorPush'],
  sms_voice_only: ['mobilePhone'],
  no_mfa: [],
};

/**
 * Each user's class week by week, ending at the class the scan finds today: users ready now
 * became ready in some past week (single method or SMS/voice only before, some with nothing
 * registered before that); users on a single method now may have had none.
 */
function classByWeek(user: TenantUser, weeks: number, random: Random) {
  const history: { class: RegistrationClass; methodsRegistered: readonly string[] }[] = [];
  const today = { class: user.class, methodsRegistered: user.methodsRegistered };
  let improvedAt = 0;
  let earlier: keyof typeof EARLIER = 'no_mfa';
  let nothingUntil = 0;
  if (user.class === 'ready' && weeks > 1) {
    improvedAt = random.int(1, weeks - 1);
    earlier = random.pick(['single_method', 'sms_voice_only'] as const);
    nothingUntil = random.chance(0.3) ? random.int(0, improvedAt - 1) : 0;
  } else if (user.class === 'single_method' && weeks > 1 && random.chance(0.4)) {
    nothingUntil = random.int(1, weeks - 1);
  }
  for (let week = 0; week < weeks; week += 1) {
    if (week < nothingUntil) history.push({ class: 'no_mfa', methodsRegistered: EARLIER.no_mfa });
    else if (week < improvedAt) history.push({ class: earlier, methodsRegistered: EARLIER[earlier] });
    else history.push(today);
  }
  return history;
}

/** Weekly snapshots of the demo tenant's users, one at the start of each week, oldest first. */
export function planSnapshots(input: {
  now: Date;
  weeks: number;
  random: Random;
  users: readonly TenantUser[];
}): PlannedSnapshot[] {
  const { now, weeks, random, users } = input;
  const paths = users.map((user) => ({ user, history: classByWeek(user, weeks, random) }));
  const telephonyEnds = TELEPHONY_RETIREMENT.toISOString().slice(0, 10);
  return Array.from({ length: weeks }, (_, week) => {
    const startedAt = new Date(now.getTime() - (weeks - week) * WEEK);
    const counts = emptyCounts();
    const atRisk: AtRiskUser[] = [];
    for (const { user, history } of paths) {
      const state = history[week] ?? { class: user.class, methodsRegistered: user.methodsRegistered };
      const perClass = counts[user.audience];
      perClass[state.class] = (perClass[state.class] ?? 0) + 1;
      if (!isAtRisk(state.class)) continue;
      atRisk.push({
        userId: user.id,
        userPrincipalName: user.userPrincipalName,
        displayName: user.displayName,
        audience: user.audience,
        class: state.class,
        methodsRegistered: [...state.methodsRegistered],
        ...(state.class === 'sms_voice_only' ? { telephonyEnds } : {}),
      });
    }
    return {
      // The scan's run id: its start time, then a random part (scan-registration.ts).
      runId: `${startedAt.toISOString().replace(/[:.]/g, '')}-${random.hex(8)}`,
      startedAt,
      finishedAt: new Date(startedAt.getTime() + random.int(2_000, 9_000)),
      week,
      users: users.length,
      counts,
      atRisk,
    };
  });
}
