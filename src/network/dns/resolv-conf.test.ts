import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { isBerthError } from '../../errors.js';
import { containerDnsConfig } from './container-resolv-conf.js';
import { isLoopback, parseResolvConf, readHostResolvers } from './resolv-conf.js';

const resolved = `# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).
nameserver 127.0.0.53
options edns0 trust-ad
search corp.example
`;

const classic = `; written by hand
domain old.example
search a.example b.example   # the office
nameserver 192.0.2.53
nameserver   fd00::53
nameserver fe80::1%eth0
nameserver not-an-address
nameserver ::1
options ndots:2
options timeout:1 rotate
sortlist 130.155.160.0/255.255.240.0
`;

describe('resolv.conf', () => {
  it('parses nameservers, the last search line, accumulated options and other directives', () => {
    assert.deepEqual(parseResolvConf(classic), {
      nameservers: ['192.0.2.53', 'fd00::53', 'fe80::1%eth0', '::1'],
      search: ['a.example', 'b.example'],
      options: ['ndots:2', 'timeout:1', 'rotate'],
      other: ['sortlist 130.155.160.0/255.255.240.0'],
    });
    assert.deepEqual(parseResolvConf('search x.example\ndomain y.example\n').search, ['y.example']);
    assert.deepEqual(parseResolvConf(''), { nameservers: [], search: [], options: [], other: [] });
  });

  it('keeps loopback resolvers for the embedded server, drops them for a container', () => {
    assert.deepEqual(readHostResolvers(resolved), ['127.0.0.53']);
    assert.deepEqual(readHostResolvers(resolved, 'container'), []);
    assert.deepEqual(readHostResolvers(classic, 'container'), ['192.0.2.53', 'fd00::53', 'fe80::1%eth0']);
  });

  it('knows loopback addresses', () => {
    for (const ip of ['127.0.0.1', '127.0.0.53', '127.255.0.1', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) assert.ok(isLoopback(ip), ip);
    for (const ip of ['10.0.0.1', '::', '::2', 'fe80::1%lo', '128.0.0.1', 'localhost']) assert.ok(!isLoopback(ip), ip);
  });
});

describe("a user network container's resolv.conf", () => {
  it('points at the gateway, keeps the host search and options, and adds ndots:0', () => {
    const c = containerDnsConfig({ gateway: '172.18.0.1', hostResolvConf: resolved });
    assert.deepEqual(c.upstreams, ['127.0.0.53']);
    assert.equal(
      c.resolvConf,
      'nameserver 172.18.0.1\nsearch corp.example\noptions edns0 trust-ad ndots:0\n\n' +
        "# 172.18.0.1 answers the network's container names and forwards other names to: 127.0.0.53\n",
    );
  });

  it("keeps the host's valid ndots and other directives", () => {
    const c = containerDnsConfig({ gateway: '172.18.0.1', hostResolvConf: classic });
    assert.match(c.resolvConf, /^options ndots:2 timeout:1 rotate$/m);
    assert.match(c.resolvConf, /^sortlist 130\.155\.160\.0\/255\.255\.240\.0$/m);
    assert.deepEqual(c.upstreams, ['192.0.2.53', 'fd00::53', 'fe80::1%eth0', '::1']);
    const broken = containerDnsConfig({ gateway: '172.18.0.1', hostResolvConf: 'options ndots:x\n' });
    assert.match(broken.resolvConf, /^options ndots:0$/m);
  });

  it('lets --dns, --dns-search and --dns-option replace what the host says', () => {
    const c = containerDnsConfig({
      gateway: '172.18.0.1',
      hostResolvConf: classic,
      dns: ['192.0.2.1', '192.0.2.2'],
      dnsSearch: ['svc.example'],
      dnsOptions: ['ndots:3', 'attempts:2'],
    });
    assert.deepEqual(c.upstreams, ['192.0.2.1', '192.0.2.2']);
    const lines = c.resolvConf.split('\n');
    assert.deepEqual(lines.slice(0, 3), ['nameserver 172.18.0.1', 'search svc.example', 'options ndots:3 attempts:2']);
    assert.ok(!c.resolvConf.includes('192.0.2.53'));
    const noSearch = containerDnsConfig({ gateway: '172.18.0.1', hostResolvConf: classic, dnsSearch: ['.'] });
    assert.ok(!/^search/m.test(noSearch.resolvConf), '"." means no search domains');
  });

  it("falls back to Docker's public resolvers when the host has none", () => {
    assert.deepEqual(containerDnsConfig({ gateway: '172.18.0.1', hostResolvConf: '' }).upstreams, ['8.8.8.8', '8.8.4.4']);
  });

  it('rejects addresses that are not addresses', () => {
    const invalid = (e: unknown) => isBerthError(e, 'InvalidArgument');
    assert.throws(() => containerDnsConfig({ gateway: 'bridge', hostResolvConf: '' }), invalid);
    assert.throws(() => containerDnsConfig({ gateway: '172.18.0.1', hostResolvConf: '', dns: ['dns.google'] }), invalid);
  });
});
