import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { categoryForStatus, describeErrors, parseErrorBody, statusError } from './registry-error.js';

const body = (o: unknown) => Buffer.from(JSON.stringify(o));

describe('registry errors', () => {
  it('parses distribution error bodies and token server bodies', () => {
    assert.deepEqual(parseErrorBody(body({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: {} }] })), [
      { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' },
    ]);
    assert.deepEqual(parseErrorBody(body({ details: 'incorrect username or password' })), [
      { code: '', message: 'incorrect username or password' },
    ]);
    assert.deepEqual(parseErrorBody('not json'), []);
    assert.deepEqual(parseErrorBody(body({ errors: 'nope' })), []);
    assert.deepEqual(parseErrorBody(body([1, 2])), []);
  });

  it('describes entries the way docker prints them', () => {
    assert.equal(
      describeErrors([
        { code: 'NAME_UNKNOWN', message: 'repository name not known to registry' },
        { code: 'DENIED', message: '' },
      ]),
      'name unknown: repository name not known to registry; denied',
    );
  });

  it('maps statuses to categories', () => {
    assert.equal(categoryForStatus(401), 'FailedPrecondition');
    assert.equal(categoryForStatus(403), 'FailedPrecondition');
    assert.equal(categoryForStatus(404), 'NotFound');
    assert.equal(categoryForStatus(400), 'InvalidArgument');
    assert.equal(categoryForStatus(409), 'Conflict');
    assert.equal(categoryForStatus(429), 'Unavailable');
    assert.equal(categoryForStatus(503), 'Unavailable');
    assert.equal(categoryForStatus(418), 'Internal');
  });

  it('builds messages with context, from the body or the status', () => {
    const ctx = 'registry 127.0.0.1:5000';
    const e401 = statusError({ context: ctx, status: 401, body: body({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }) });
    assert.equal(e401.message, 'registry 127.0.0.1:5000: unauthorized: authentication required');
    assert.equal(e401.category, 'FailedPrecondition');
    assert.equal(statusError({ context: ctx, status: 403 }).message, `${ctx}: denied: requested access to the resource is denied`);
    assert.equal(statusError({ context: ctx, status: 401, body: body({ details: 'bad password' }) }).detail, 'unauthorized: bad password');
    assert.equal(statusError({ context: ctx, status: 502, operation: 'GET /v2/' }).detail, 'unexpected status 502 from GET /v2/');
  });
});
