import assert from 'node:assert/strict';
import { test } from 'node:test';

import { apiTimestamp } from './timestamps.js';

test('since/until: durations before now, dates (UTC or local), Unix timestamps as they are', () => {
  const now = Date.UTC(2024, 0, 1, 12, 0, 0);
  assert.equal(apiTimestamp('10m', now), String(now / 1000 - 600));
  assert.equal(apiTimestamp('1h30m', now), String(now / 1000 - 5400));
  assert.equal(apiTimestamp('2024-01-01T11:00:00Z', now), `${now / 1000 - 3600}.000000000`);
  assert.equal(apiTimestamp('2024-01-01T11:00:00.5+01:00', now), `${now / 1000 - 7200}.500000000`);
  assert.equal(apiTimestamp('2024-01-01', now), `${Date.parse('2024-01-01T00:00:00') / 1000}.000000000`);
  assert.equal(apiTimestamp('1700000000', now), '1700000000');
  assert.equal(apiTimestamp('1700000000.123', now), '1700000000.123');
  assert.throws(() => apiTimestamp('yesterday', now), /failed to parse value as time or duration: "yesterday"/);
  assert.throws(() => apiTimestamp('2024-13-45', now), /failed to parse/);
});
