import type { LockoutCategory } from './classify';
import type { SignIn } from './sign-in';

const MAX_TEXT = 300;
const short = (value: string | null | undefined, max = MAX_TEXT) =>
  value ? (value.length > max ? `${value.slice(0, max - 1)}…` : value) : undefined;

/** What a flag keeps of one failed sign-in (bounded text; no tokens, no device ids). */
export interface RecentEvent {
  id: string;
  time: string;
  category: LockoutCategory;
  errorCode: number;
  failureReason?: string;
  details?: string;
  app?: string;
  clientApp?: string;
  ipAddress?: string;
  location?: string;
  correlationId?: string;
}

export function toRecentEvent(signIn: SignIn, category: LockoutCategory): RecentEvent {
  const place = [signIn.location?.city, signIn.location?.state, signIn.location?.countryOrRegion]
    .filter(Boolean)
    .join(', ');
  const event: RecentEvent = {
    id: signIn.id,
    time: new Date(signIn.createdDateTime).toISOString(),
    category,
    errorCode: signIn.status.errorCode,
  };
  const optional = {
    failureReason: short(signIn.status.failureReason),
    details: short(signIn.status.additionalDetails),
    app: short(signIn.appDisplayName, 120),
    clientApp: short(signIn.clientAppUsed, 60),
    ipAddress: short(signIn.ipAddress, 64),
    location: short(place, 120),
    correlationId: short(signIn.correlationId, 64),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (event as unknown as Record<string, unknown>)[key] = value;
  }
  return event;
}

/** Newest first, at most `limit`, one per sign-in id. */
export function mergeRecent(
  a: readonly RecentEvent[],
  b: readonly RecentEvent[],
  limit: number,
): RecentEvent[] {
  const byId = new Map<string, RecentEvent>();
  for (const event of [...a, ...b]) byId.set(event.id, event);
  return [...byId.values()].sort((x, y) => y.time.localeCompare(x.time)).slice(0, limit);
}
