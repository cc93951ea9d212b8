// NCRONTAB, the schedule format of Azure timer triggers: six fields,
// `{second} {minute} {hour} {day} {month} {day-of-week}`, parsed with NCrontab's rules
// (atifaziz/NCrontab CrontabFieldImpl) and handed to croner as explicit value lists, so the two
// dialects cannot disagree: names match by prefix (`Mon`, `January`), `5/15` means 5-max/15,
// day-of-week is 0-6 with 0 = Sunday, and a day must match BOTH day-of-month and day-of-week
// (NCrontab checks the weekday after the day; croner's default would OR them).

export class NcrontabError extends Error {}

interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const FIELDS: readonly FieldSpec[] = [
  { label: 'second', min: 0, max: 59 },
  { label: 'minute', min: 0, max: 59 },
  { label: 'hour', min: 0, max: 23 },
  { label: 'day', min: 1, max: 31 },
  { label: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { label: 'day-of-week', min: 0, max: 6, names: DAY_NAMES },
];

export interface NcrontabSchedule {
  /** The expression as written (after %SETTING% resolution). */
  readonly expression: string;
  /** The same schedule for croner: six fields of `*` or explicit value lists. */
  readonly cronerPattern: string;
}

/** Croner options that give NCRONTAB semantics to `cronerPattern`. */
export const CRONER_NCRONTAB_OPTIONS = { mode: '6-part', domAndDow: true } as const;

export function parseNcrontab(expression: string): NcrontabSchedule {
  const fields = expression.trim().split(/\s+/);
  if (/^\d+(\.\d+)?:\d+(:\d+)?$/.test(expression.trim())) {
    throw new NcrontabError(
      `"${expression}" is a TimeSpan schedule, which Azure only runs on App Service plans; use a 6-field NCRONTAB expression.`,
    );
  }
  if (fields.length !== 6) {
    throw new NcrontabError(
      `"${expression}" has ${fields.length} fields; NCRONTAB needs 6: {second} {minute} {hour} {day} {month} {day-of-week}.`,
    );
  }
  const parts = FIELDS.map((spec, index) => {
    try {
      return parseField(fields[index] ?? '', spec);
    } catch (thrown) {
      if (thrown instanceof NcrontabError) throw new NcrontabError(`"${expression}": ${thrown.message}`);
      throw thrown;
    }
  });
  return { expression, cronerPattern: parts.join(' ') };
}

/** `*` stays `*`; anything else becomes the sorted list of the values it allows. */
function parseField(text: string, spec: FieldSpec): string {
  if (text === '*') return '*';
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [base = '', step, extra] = item.split('/');
    if (extra !== undefined) throw new NcrontabError(`${spec.label} "${item}" has more than one '/'.`);
    const every = step === undefined ? 1 : parseStep(step, spec, item);
    let first: number;
    let last: number;
    if (base === '*') {
      [first, last] = [spec.min, spec.max];
    } else if (base.indexOf('-') > 0) {
      const dash = base.indexOf('-');
      first = parseValue(base.slice(0, dash), spec);
      last = parseValue(base.slice(dash + 1), spec);
      if (first > last) throw new NcrontabError(`${spec.label} range "${base}" runs backwards.`);
    } else {
      first = parseValue(base, spec);
      last = every === 1 ? first : spec.max;
    }
    for (let value = first; value <= last; value += every) values.add(value);
  }
  return [...values].sort((a, b) => a - b).join(',');
}

function parseStep(step: string, spec: FieldSpec, item: string): number {
  if (!/^\d+$/.test(step) || Number(step) === 0) {
    throw new NcrontabError(`${spec.label} "${item}" needs a positive step after '/'.`);
  }
  return Number(step);
}

function parseValue(text: string, spec: FieldSpec): number {
  if (text === '') throw new NcrontabError(`${spec.label} has an empty value.`);
  if (/^\d/.test(text)) {
    if (!/^\d+$/.test(text)) throw new NcrontabError(`${spec.label} "${text}" is not a number.`);
    const value = Number(text);
    if (value < spec.min || value > spec.max) {
      throw new NcrontabError(`${spec.label} ${value} is outside ${spec.min}-${spec.max}.`);
    }
    return value;
  }
  const index = spec.names?.findIndex((name) => name.toLowerCase().startsWith(text.toLowerCase())) ?? -1;
  if (index < 0) throw new NcrontabError(`${spec.label} "${text}" is not a valid value.`);
  return index + spec.min;
}
