import { type MethodType, methodTypeOf } from '../graph/method-types';
import type { GraphAuthenticationMethod } from '../graph/users';
import { maskEmailAddress, maskPhoneNumber } from './mask';

type Detail = string | number | boolean | null;

/**
 * The properties shown per type: an allow-list, so secrets Graph might return (an OATH secret
 * key, a pass value) can never pass through.
 */
const SHOWN_PROPERTIES: Record<MethodType, readonly string[]> = {
  password: [],
  phone: ['phoneType', 'smsSignInState'],
  email: [],
  microsoftAuthenticator: ['displayName', 'deviceTag', 'phoneAppVersion', 'clientAppName'],
  passwordlessMicrosoftAuthenticator: ['displayName'],
  fido2: ['displayName', 'model', 'aaGuid', 'attestationLevel', 'passkeyType'],
  softwareOath: [],
  hardwareOath: ['displayName', 'serialNumber', 'manufacturer', 'model'],
  temporaryAccessPass: [
    'startDateTime',
    'lifetimeInMinutes',
    'isUsableOnce',
    'isUsable',
    'methodUsabilityReason',
  ],
  windowsHelloForBusiness: ['displayName', 'keyStrength'],
  platformCredential: ['displayName', 'keyStrength', 'platform'],
  qrCodePin: [],
  external: ['displayName', 'configurationId'],
  unknown: [],
};

export interface MethodView {
  id: string;
  type: MethodType;
  odataType: string;
  createdDateTime: string | null;
  details: Record<string, Detail>;
}

function isDetail(value: unknown): value is Detail {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

export function toMethodView(method: GraphAuthenticationMethod): MethodView {
  const odataType = method['@odata.type'];
  const type = methodTypeOf(odataType);
  const details: Record<string, Detail> = {};
  for (const property of SHOWN_PROPERTIES[type]) {
    const value = method[property];
    if (value !== undefined && isDetail(value)) details[property] = value;
  }
  if (type === 'phone' && typeof method.phoneNumber === 'string') {
    details.phoneNumber = maskPhoneNumber(method.phoneNumber);
  }
  if (type === 'email' && typeof method.emailAddress === 'string') {
    details.emailAddress = maskEmailAddress(method.emailAddress);
  }
  const createdDateTime = typeof method.createdDateTime === 'string' ? method.createdDateTime : null;
  return { id: method.id, type, odataType, createdDateTime, details };
}
