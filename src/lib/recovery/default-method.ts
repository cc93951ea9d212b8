/**
 * Graph refuses to delete the user's default MFA method while other methods remain ("Cannot delete
 * default method with other methods configured", docs/graph-calls.md). A reset deletes it again once
 * the others are gone; when it is still refused (the others were outside `methodTypes`, or Graph
 * refused one of them), the caller is told why and what to do. The app cannot change the default
 * itself: that needs UserAuthenticationMethod.ReadWrite.All, which it never holds.
 */
const DEFAULT_METHOD_REFUSAL = /default (authentication )?method/i;

export const DEFAULT_METHOD_HINT =
  'Graph keeps the default method while the user has other methods: remove those too (a reset ' +
  'without methodTypes), or change the default method in the Microsoft Entra admin center, then retry.';

/** The hint for a delete Graph refused because the method is the default, if that is why. */
export function defaultMethodHint(refusal: { status: number; message?: string }): string | undefined {
  return refusal.status === 400 && DEFAULT_METHOD_REFUSAL.test(refusal.message ?? '')
    ? DEFAULT_METHOD_HINT
    : undefined;
}
