import { describe, expect, it } from 'vitest';

import { classifySignIn } from '../../../src/lib/detection/classify';
import { signIn } from './sign-ins';

describe('classifySignIn', () => {
  it.each([
    'MFA denied; user did not respond to mobile app notification',
    'MFA denied; duo authentication timed out',
    'The user did not complete the MFA prompt',
    '',
  ])('treats "%s" as a lockout', (details) => {
    expect(classifySignIn(signIn({ details }))).toBe('lockout');
  });

  it.each([
    'MFA denied; user declined the authentication',
    'MFA denied; Phone App Reported Fraud',
    'MFA denied, Fraud Code Entered',
    'User reported suspicious activity',
  ])('treats "%s" as a suspected attack, never a lockout', (details) => {
    expect(classifySignIn(signIn({ details }))).toBe('suspected_attack');
  });

  it('matches case-insensitively and with no details at all', () => {
    expect(classifySignIn(signIn({ details: 'mfa DENIED; USER DECLINED' }))).toBe('suspected_attack');
    const bare = signIn();
    bare.status = { errorCode: 500121, failureReason: null, additionalDetails: null };
    expect(classifySignIn(bare)).toBe('lockout');
  });
});
