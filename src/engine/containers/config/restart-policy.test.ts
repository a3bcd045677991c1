import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { HostConfig } from './host-config.js';
import { checkRestartPolicy, isRestartPolicyNone } from './restart-policy.js';
import { parseCreateRequest } from './create-request.js';
import { assertInvalid } from './invalid.test-helper.js';

const ok = (hc: HostConfig) => assert.doesNotThrow(() => checkRestartPolicy(hc));
const bad = (hc: HostConfig, re: RegExp) => assertInvalid(() => checkRestartPolicy(hc), re);

test('the four policies and the empty one are accepted', () => {
  for (const Name of ['', 'no', 'always', 'unless-stopped', 'on-failure'] as const) ok({ RestartPolicy: { Name } });
  ok({ RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 } });
  ok({});
});

test('an unknown policy is refused in Docker words', () => {
  assert.throws(
    () => parseCreateRequest({ HostConfig: { RestartPolicy: { Name: 'sometimes' } } }),
    /HostConfig\.RestartPolicy\.Name: invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'/,
  );
});

test('MaximumRetryCount only with on-failure, never negative', () => {
  bad({ RestartPolicy: { Name: 'always', MaximumRetryCount: 3 } }, /HostConfig\.RestartPolicy\.MaximumRetryCount: invalid restart policy: maximum retry count can only be used with 'on-failure'$/);
  bad({ RestartPolicy: { Name: 'no', MaximumRetryCount: -1 } }, /can only be used with 'on-failure' and cannot be negative$/);
  bad({ RestartPolicy: { Name: 'on-failure', MaximumRetryCount: -1 } }, /maximum retry count cannot be negative/);
  ok({ RestartPolicy: { Name: '', MaximumRetryCount: 3 } });
});

test('AutoRemove only without a restart policy', () => {
  bad({ AutoRemove: true, RestartPolicy: { Name: 'unless-stopped' } }, /^HostConfig\.AutoRemove: can't create 'AutoRemove' container with restart policy$/);
  bad({ AutoRemove: true, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } }, /AutoRemove/);
  ok({ AutoRemove: true, RestartPolicy: { Name: 'no' } });
  ok({ AutoRemove: true });
  assert.equal(isRestartPolicyNone({ RestartPolicy: { Name: 'no' } }), true);
  assert.equal(isRestartPolicyNone({ RestartPolicy: { Name: 'always' } }), false);
});
