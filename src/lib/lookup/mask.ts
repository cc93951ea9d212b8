const VISIBLE_DIGITS = 4;

/**
 * Masks every digit of a phone number but the last four of the number itself ("+1 2065551234x12"
 * → "+* ******1234x**"), keeping the layout so a helpdesk agent can still compare it.
 */
export function maskPhoneNumber(phoneNumber: string): string {
  const [number = '', extension] = phoneNumber.split(/x/i, 2);
  const digitCount = number.replace(/\D/g, '').length;
  let digitsSeen = 0;
  const maskedNumber = number.replace(/\d/g, (digit) =>
    ++digitsSeen > digitCount - VISIBLE_DIGITS ? digit : '*',
  );
  return extension === undefined ? maskedNumber : `${maskedNumber}x${extension.replace(/\d/g, '*')}`;
}

/** Keeps the first character of the local part and the domain: "j***@contoso.com". */
export function maskEmailAddress(emailAddress: string): string {
  const at = emailAddress.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${emailAddress[0] ?? ''}***${emailAddress.slice(at)}`;
}
