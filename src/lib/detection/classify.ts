import type { SignIn } from './sign-in';

export type LockoutCategory = 'lockout' | 'suspected_attack';

/**
 * "MFA denied; user declined the authentication", "MFA denied; Phone App Reported Fraud", "…fraud
 * code entered": the user refused a prompt they did not start, or reported it. That is an attack
 * signal (MFA fatigue; docs/threat-model.md, "Detection blind spots"), never a reason to help the
 * user in. Graph's texts are free-form, so this matches substrings, case-insensitively.
 */
const ATTACK_DETAILS = [/\bdeclined\b/i, /\bdenied the\b/i, /\bfraud\b/i, /\bsuspicious\b/i];

/** Classifies one failed sign-in. Anything not an attack signal is a lockout (timed out, no method…). */
export function classifySignIn(signIn: Pick<SignIn, 'status'>): LockoutCategory {
  const texts = [signIn.status.additionalDetails, signIn.status.failureReason];
  for (const value of texts) {
    if (value && ATTACK_DETAILS.some((pattern) => pattern.test(value))) return 'suspected_attack';
  }
  return 'lockout';
}
