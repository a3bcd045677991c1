import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isBerthError } from '../../errors.js';
import { InsecureRegistries, credentialKey, isLoopbackHost, registryHostname, resolveEndpoint, splitHostPort } from './endpoint.js';

describe('registry endpoints', () => {
  it('maps Docker Hub names to its API host and credential key', () => {
    for (const n of ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'Docker.IO']) {
      assert.deepEqual(resolveEndpoint(n), { name: 'docker.io', host: 'registry-1.docker.io' });
      assert.equal(credentialKey(n), 'https://index.docker.io/v1/');
    }
    assert.deepEqual(resolveEndpoint('127.0.0.1:5000'), { name: '127.0.0.1:5000', host: '127.0.0.1:5000' });
    assert.equal(credentialKey('ghcr.io'), 'ghcr.io');
    assert.equal(credentialKey('https://Registry.Example.com:5000/v2/'), 'registry.example.com:5000');
    assert.deepEqual(resolveEndpoint('[::1]:5000'), { name: '[::1]:5000', host: '[::1]:5000' });
  });

  it('refuses what is not host[:port]', () => {
    for (const bad of ['', 'a b', 'host:port', 'host:123456', '-x.com', 'x..com', 'user@host']) {
      assert.throws(() => resolveEndpoint(bad), (e) => isBerthError(e, 'InvalidArgument'), bad);
    }
  });

  it('strips schemes and paths like docker does for config keys', () => {
    assert.equal(registryHostname('https://index.docker.io/v1/'), 'index.docker.io');
    assert.equal(registryHostname('http://h:5000'), 'h:5000');
    assert.equal(registryHostname('h:5000/'), 'h:5000');
  });

  it('splits host and port', () => {
    assert.deepEqual(splitHostPort('h:5000'), { hostname: 'h', port: '5000' });
    assert.deepEqual(splitHostPort('[::1]:5000'), { hostname: '::1', port: '5000' });
    assert.deepEqual(splitHostPort('[::1]'), { hostname: '::1' });
    assert.deepEqual(splitHostPort('h'), { hostname: 'h' });
  });

  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1:5000', '127.1.2.3', 'localhost', 'LOCALHOST:80', 'x.localhost', '[::1]:5000']) {
      assert.equal(isLoopbackHost(h), true, h);
    }
    for (const h of ['10.0.0.1', '128.0.0.1', 'example.com', 'localhost.example.com', '[::2]', '127.example.com']) {
      assert.equal(isLoopbackHost(h), false, h);
    }
  });

  it('matches insecure registries by host, host:port and range', () => {
    const ins = new InsecureRegistries(['reg.lan', 'other.lan:5000', '10.1.0.0/16', 'http://scheme.lan/']);
    assert.equal(ins.has('reg.lan'), true);
    assert.equal(ins.has('reg.lan:443'), true);
    assert.equal(ins.has('other.lan:5000'), true);
    assert.equal(ins.has('other.lan:5001'), false);
    assert.equal(ins.has('10.1.2.3:5000'), true);
    assert.equal(ins.has('10.2.0.1'), false);
    assert.equal(ins.has('scheme.lan'), true);
    assert.equal(ins.allowsPlainHttp('127.0.0.1:5000'), true);
    assert.equal(ins.allowsPlainHttp('example.com'), false);
    assert.equal(new InsecureRegistries().allowsPlainHttp('reg.lan'), false);
  });
});
