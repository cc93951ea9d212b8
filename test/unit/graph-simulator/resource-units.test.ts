import { describe, expect, it } from 'vitest';

import { resourceUnits } from '../../../local/graph/resource-units';

// https://learn.microsoft.com/en-us/graph/throttling-limits#identity-and-access-service-limits:
// the base cost, $select −1, $expand +1, $top under 20 −1, at least 1.

const get = (query: string) => ({ method: 'GET', path: '/v1.0/x', query, headers: {}, body: '' });

describe('resourceUnits', () => {
  it('adjusts the base cost by the query options the doc lists, never below 1', () => {
    expect(resourceUnits(get(''), 5)).toBe(5);
    expect(resourceUnits(get('$select=id'), 5)).toBe(4);
    expect(resourceUnits(get('$expand=manager'), 5)).toBe(6);
    expect(resourceUnits(get('$top=19'), 5)).toBe(4);
    expect(resourceUnits(get('$top=20'), 5)).toBe(5);
    expect(resourceUnits(get('$select=id&$expand=manager&$top=5'), 2)).toBe(1);
    expect(resourceUnits(get('$select=id&$top=5'), 1)).toBe(1);
  });
});
