import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** E.164 ("+14255550100"), optionally with an extension ("x123"), as the API accepts it. */
const E164_WITH_EXTENSION = /^\+[1-9]\d{6,14}(?:x\d{1,7})?$/;

/**
 * Graph's phone format is "+{country code} {number}[x{extension}]". Returns it, or undefined when
 * the input is not a valid E.164 number (checked against libphonenumber's numbering plans).
 */
export function toGraphPhoneNumber(e164: string): string | undefined {
  if (!E164_WITH_EXTENSION.test(e164)) return undefined;
  const [number = '', extension] = e164.split('x');
  const parsed = parsePhoneNumberFromString(number);
  if (!parsed?.isValid()) return undefined;
  return `+${parsed.countryCallingCode} ${parsed.nationalNumber}${extension ? `x${extension}` : ''}`;
}
