// Property-based: every $filter the app builds (Graph role and PIM look-ups, the sign-in scan, the
// Table Storage queries by user) keeps each value inside its literal, whatever the value.

import type { TableClient } from '@azure/data-tables';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { signInListPath } from '../../../src/lib/detection/fetch-sign-ins';
import { POPULATION_URLS, ROLE_LOOKUP_URLS } from '../../../src/lib/graph/role-lookups';
import { createTableAuditLog } from '../../../src/lib/storage/audit-log';
import { createTableLockoutStore } from '../../../src/lib/storage/lockouts';
import { splitLiterals } from './odata-literals';

const guid = fc.uuid().chain((id) => fc.boolean().map((upper) => (upper ? id.toUpperCase() : id)));

/** The `$filter` of a relative Graph URL, and every other query parameter's name. */
function filterOf(url: string): { filter: string; params: string[] } {
  const query = new URL(`https://graph.example${url}`).searchParams;
  return { filter: query.get('$filter') ?? '', params: [...query.keys()] };
}

const BY_PRINCIPAL = [
  ROLE_LOOKUP_URLS.eligibilities,
  ROLE_LOOKUP_URLS.activeInstances,
  ROLE_LOOKUP_URLS.assignments,
  ROLE_LOOKUP_URLS.groupEligibilities,
];
const BY_ROLE = [
  POPULATION_URLS.eligibilitiesOfRole,
  POPULATION_URLS.activeInstancesOfRole,
  POPULATION_URLS.assignmentsOfRole,
];

describe('Graph $filter values (property-based)', () => {
  it('holds an object id as the one literal of `{property} eq`', () => {
    const cases = [
      ...BY_PRINCIPAL.map((build) => ({ build, property: 'principalId' })),
      ...BY_ROLE.map((build) => ({ build, property: 'roleDefinitionId' })),
      { build: POPULATION_URLS.eligibilitiesForGroup, property: 'groupId' },
    ];
    fc.assert(
      fc.property(guid, fc.constantFrom(...cases), (id, { build, property }) => {
        const { filter, params } = filterOf(build(id));
        expect(params).toEqual(['$filter']);
        expect(splitLiterals(filter)).toEqual({ skeleton: `${property} eq ?`, literals: [id.toLowerCase()] });
      }),
    );
  });

  it('refuses to build a filter from anything but an object id', () => {
    const builders = [
      ...BY_PRINCIPAL,
      ...BY_ROLE,
      POPULATION_URLS.eligibilitiesForGroup,
      POPULATION_URLS.transitiveMembers,
    ];
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...builders), (value, build) => {
        fc.pre(!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value));
        expect(() => build(value)).toThrow(TypeError);
      }),
      { numRuns: 1000 },
    );
  });

  it('builds the sign-in scan filter from two instants and whole error codes only', () => {
    const instant = fc.date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2099-12-31T23:59:59Z'),
      noInvalidDate: true,
    });
    const codes = fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), {
      minLength: 1,
      maxLength: 20,
    });
    fc.assert(
      fc.property(instant, instant, codes, (start, end, errorCodes) => {
        const { filter, params } = filterOf(signInListPath({ start, end, errorCodes }));
        expect(params).toEqual(['$filter', '$top']);
        const expected =
          `createdDateTime ge ${start.toISOString()} and createdDateTime le ${end.toISOString()} and (` +
          errorCodes.map((code) => `status/errorCode eq ${code}`).join(' or ') +
          ')';
        expect(filter).toBe(expected);
        expect(filter).not.toContain("'");
      }),
    );
  });
});

/** A TableClient that records the filters it is asked for and returns no rows. */
function recordingTable(filters: string[]): TableClient {
  return {
    listEntities: (options?: { queryOptions?: { filter?: string } }) => {
      filters.push(options?.queryOptions?.filter ?? '');
      const next = () => Promise.resolve({ done: true as const, value: undefined });
      // Rows one by one, or pages (the stores read page by page, each with its own deadline).
      const empty = { [Symbol.asyncIterator]: () => ({ next }), byPage: () => ({ next }) };
      return empty;
    },
  } as unknown as TableClient;
}

describe('Table Storage filters by user (property-based)', () => {
  it('keeps any UPN inside its literal when finding a lockout flag', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }), async (upn) => {
        const filters: string[] = [];
        await createTableLockoutStore({ table: () => Promise.resolve(recordingTable(filters)) }).findByUpn(
          upn,
        );
        expect(filters.map(splitLiterals)).toEqual([
          { skeleton: 'PartitionKey eq ? and upnLower eq ?', literals: ['lockout', upn.toLowerCase()] },
        ]);
      }),
    );
  });

  it('keeps any user id inside its literal when listing the audit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }), async (userId) => {
        const filters: string[] = [];
        await createTableAuditLog({ table: () => Promise.resolve(recordingTable(filters)) }).list({ userId });
        expect(filters.map(splitLiterals)).toEqual([
          { skeleton: 'PartitionKey eq ? and targetId eq ?', literals: ['audit', userId.toLowerCase()] },
        ]);
      }),
    );
  });
});
