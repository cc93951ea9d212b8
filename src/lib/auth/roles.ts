/**
 * The app roles a caller can hold (docs/callers.md). Each route needs one; a token carries them in
 * its `roles` claim, and a function key holds the configured set (never Privileged or Approve: two
 * people cannot be told apart by one shared key).
 */
export const ROLES = [
  'Recovery.Read',
  'Recovery.Reset',
  'Recovery.IssueTap',
  'Recovery.AddMethod',
  'Recovery.SuspendMfa',
  'Recovery.Privileged',
  'Recovery.Approve',
  'Recovery.SecurityOps',
  'Recovery.Admin',
] as const;

export type Role = (typeof ROLES)[number];

/** What a function key may do unless FUNCTION_KEY_ROLES says otherwise: the helpdesk's everyday work. */
export const DEFAULT_FUNCTION_KEY_ROLES: readonly Role[] = [
  'Recovery.Read',
  'Recovery.Reset',
  'Recovery.IssueTap',
  'Recovery.AddMethod',
  'Recovery.SuspendMfa',
];
