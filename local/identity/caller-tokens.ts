import { type Role, ROLES } from '../../src/lib/auth/roles';

/**
 * The API the app exposes to its callers (an app registration of its own, distinct from the
 * managed identity that calls Graph); tokens for it name it as audience.
 */
export const DEFAULT_API_CLIENT_ID = '5d0f8e34-3c3a-4a0e-9d61-0a4b1f6c2e77';
/** The client application the demo people sign in to (a helpdesk console). */
export const DEMO_CALLER_CLIENT_ID = 'c0a8e1d2-7b4f-4c39-8e5a-2f61d9b3a415';

export interface DemoCaller {
  /** The signed-in person's object id: the caller is `user:{oid}`. */
  oid: string;
  name: string;
  roles: readonly Role[];
}

/** The demo callers whose ready tokens `.local/stack.json` holds (docs/callers.md). */
export const DEMO_CALLERS = {
  reader: { oid: '3b1f0c2a-5d4e-4f6a-9b8c-7d6e5f4a3b21', name: 'Demo Reader', roles: ['Recovery.Read'] },
  helpdesk: {
    oid: '4c2a1d3b-6e5f-4a7b-8c9d-8e7f6a5b4c32',
    name: 'Demo Helpdesk',
    roles: [
      'Recovery.Read',
      'Recovery.Reset',
      'Recovery.IssueTap',
      'Recovery.AddMethod',
      'Recovery.SuspendMfa',
    ],
  },
  approver: {
    oid: '5d3b2e4c-7f6a-4b8c-9d0e-9f8a7b6c5d43',
    name: 'Demo Approver',
    roles: ['Recovery.Read', 'Recovery.Approve'],
  },
  securityOps: {
    oid: '6e4c3f5d-8a7b-4c9d-8e1f-0a9b8c7d6e54',
    name: 'Demo Security Operations',
    roles: ['Recovery.Read', 'Recovery.SecurityOps'],
  },
  admin: { oid: '7f5d4a6e-9b8c-4d0e-9f2a-1b0c9d8e7f65', name: 'Demo Admin', roles: ROLES },
} as const satisfies Record<string, DemoCaller>;

export type DemoCallerName = keyof typeof DEMO_CALLERS;

/** Long enough for a working day with the stack up (at least 8 hours). */
export const DEMO_CALLER_TOKEN_SECONDS = 12 * 3600;

export interface CallerTokenOptions {
  /** A delegated token for a signed-in person (`scp`), or an application token (no `scp`). */
  kind?: 'user' | 'application';
  /** `user`: the person's oid; `application`: the client's service principal oid. */
  oid?: string;
  name?: string;
  /** The client application: `appid` in v1.0 tokens, `azp` in v2.0 tokens. */
  clientId?: string;
  roles?: readonly string[];
  acrs?: readonly string[];
  /** v1.0 tokens carry the App ID URI and the sts.windows.net issuer; v2.0 the client id and login.microsoftonline.com. */
  version?: '1.0' | '2.0';
  audience?: string;
  issuer?: string;
  lifetimeSeconds?: number;
  /** Seconds from now before the token becomes valid (tests: not yet valid). */
  notBeforeSeconds?: number;
}
