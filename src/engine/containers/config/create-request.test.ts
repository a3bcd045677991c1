import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { parseCreateRequest } from './create-request.js';
import { assertInvalid } from './invalid.test-helper.js';

/** What `docker create --name web -e A=1 alpine sh` sends, nulls and zero values included. */
const cliBody = () => ({
  Hostname: '',
  Domainname: '',
  User: '',
  AttachStdin: false,
  AttachStdout: true,
  AttachStderr: true,
  Tty: false,
  OpenStdin: false,
  StdinOnce: false,
  Env: ['A=1'],
  Cmd: ['sh'],
  Image: 'alpine',
  Volumes: {},
  WorkingDir: '',
  Entrypoint: null,
  OnBuild: null,
  Labels: {},
  HostConfig: {
    Binds: null,
    ContainerIDFile: '',
    LogConfig: { Type: '', Config: {} },
    NetworkMode: 'default',
    PortBindings: {},
    RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
    AutoRemove: false,
    VolumeDriver: '',
    VolumesFrom: null,
    ConsoleSize: [24, 80],
    CapAdd: null,
    CapDrop: null,
    CgroupnsMode: '',
    Dns: [],
    DnsOptions: [],
    DnsSearch: [],
    ExtraHosts: null,
    GroupAdd: null,
    IpcMode: '',
    Cgroup: '',
    Links: null,
    OomScoreAdj: 0,
    PidMode: '',
    Privileged: false,
    PublishAllPorts: false,
    ReadonlyRootfs: false,
    SecurityOpt: null,
    UTSMode: '',
    UsernsMode: '',
    ShmSize: 0,
    Isolation: '',
    CpuShares: 0,
    Memory: 0,
    NanoCpus: 0,
    CgroupParent: '',
    BlkioWeight: 0,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [],
    CpuPeriod: 0,
    CpuQuota: 0,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: '',
    CpusetMems: '',
    Devices: [],
    DeviceCgroupRules: null,
    DeviceRequests: null,
    MemoryReservation: 0,
    MemorySwap: 0,
    MemorySwappiness: null,
    OomKillDisable: null,
    PidsLimit: null,
    Ulimits: null,
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    MaskedPaths: null,
    ReadonlyPaths: null,
  },
  NetworkingConfig: { EndpointsConfig: {} },
});

const rejects = assertInvalid;

describe('parseCreateRequest', () => {
  test('reads what the docker CLI sends, nulls as absent', () => {
    const req = parseCreateRequest(cliBody(), { name: 'web' });
    assert.equal(req.name, 'web');
    assert.equal(req.config.Image, 'alpine');
    assert.deepEqual(req.config.Cmd, ['sh']);
    assert.deepEqual(req.config.Env, ['A=1']);
    assert.equal(req.config.Entrypoint, undefined);
    assert.equal(req.hostConfig.NetworkMode, 'default');
    assert.deepEqual(req.hostConfig.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 });
    assert.deepEqual(req.hostConfig.ConsoleSize, [24, 80]);
    assert.equal(req.hostConfig.Binds, undefined);
    assert.equal(req.hostConfig.PidsLimit, undefined);
    assert.deepEqual(req.networkingConfig, { EndpointsConfig: {} });
  });

  test('a body without HostConfig has an empty one', () => {
    const req = parseCreateRequest({ Image: 'alpine' });
    assert.deepEqual(req.hostConfig, {});
    assert.equal(req.name, undefined);
  });

  test('Cmd and Entrypoint may be a single string', () => {
    const req = parseCreateRequest({ Image: 'alpine', Cmd: 'ls -l', Entrypoint: '/bin/sh' });
    assert.deepEqual(req.config.Cmd, ['ls -l']);
    assert.deepEqual(req.config.Entrypoint, ['/bin/sh']);
  });

  test('a wrong JSON type names the field', () => {
    rejects(() => parseCreateRequest({ HostConfig: { Memory: 'x' } }), /^HostConfig\.Memory: must be an integer, got string "x"$/);
    rejects(() => parseCreateRequest({ Env: ['A=1', 3] }), /^Env\[1\]: must be a string, got number 3$/);
    rejects(() => parseCreateRequest({ Tty: 'yes' }), /^Tty: must be a boolean/);
    rejects(() => parseCreateRequest({ HostConfig: { Mounts: [{ Type: 'bind', ReadOnly: 1 }] } }), /^HostConfig\.Mounts\[0\]\.ReadOnly: must be a boolean/);
    rejects(() => parseCreateRequest({ HostConfig: { Sysctls: { 'net.x': 1 } } }), /^HostConfig\.Sysctls\.net\.x: must be a string/);
    rejects(() => parseCreateRequest({ HostConfig: { ConsoleSize: [1] } }), /^HostConfig\.ConsoleSize: must be \[height, width\]/);
    rejects(() => parseCreateRequest({ HostConfig: [] }), /^HostConfig: must be an object/);
    rejects(() => parseCreateRequest({ NetworkingConfig: { EndpointsConfig: { b: { Aliases: 'x' } } } }), /^NetworkingConfig\.EndpointsConfig\.b\.Aliases: must be an array/);
  });

  test('an empty body is refused in Docker words', () => {
    rejects(() => parseCreateRequest(undefined), /config cannot be empty in order to create a container/);
    rejects(() => parseCreateRequest('x'), /request body: must be an object/);
  });

  test("names follow Docker's rule", () => {
    assert.equal(parseCreateRequest({}, { name: '/web.1_a-b' }).name, 'web.1_a-b');
    rejects(() => parseCreateRequest({}, { name: 'x!' }), /Invalid container name \(x!\), only \[a-zA-Z0-9\]\[a-zA-Z0-9_.-\] are allowed/);
    rejects(() => parseCreateRequest({}, { name: 'a' }), /Invalid container name \(a\)/);
    rejects(() => parseCreateRequest({}, { name: '_ab' }), /Invalid container name/);
    rejects(() => parseCreateRequest({}, { name: 'a/b' }), /Invalid container name/);
  });

  test('the platform is checked and kept as sent', () => {
    assert.equal(parseCreateRequest({}, { platform: 'linux/arm64' }).platform, 'linux/arm64');
    assert.throws(() => parseCreateRequest({}, { platform: 'a/b/c/d' }), /platform/);
  });

  test('fields berth cannot honour are refused, zero values are fine', () => {
    rejects(() => parseCreateRequest({ HostConfig: { Links: ['db:db'] } }), /^HostConfig\.Links: legacy container links/);
    rejects(() => parseCreateRequest({ HostConfig: { DeviceRequests: [{ Count: -1 }] } }), /^HostConfig\.DeviceRequests: device requests \(--gpus\)/);
    rejects(() => parseCreateRequest({ HostConfig: { VolumeDriver: 'nfs' } }), /^HostConfig\.VolumeDriver:/);
    rejects(() => parseCreateRequest({ HostConfig: { CpuRealtimeRuntime: 950 } }), /real-time/);
    assert.doesNotThrow(() => parseCreateRequest({ HostConfig: { VolumeDriver: 'local', Links: [], StorageOpt: {} } }));
  });

  test("Docker's rules run on the whole request", () => {
    rejects(() => parseCreateRequest({ WorkingDir: 'rel' }), /^WorkingDir: the working directory 'rel' is invalid, it needs to be an absolute path$/);
    rejects(() => parseCreateRequest({ HostConfig: { AutoRemove: true, RestartPolicy: { Name: 'always' } } }), /can't create 'AutoRemove' container with restart policy/);
    rejects(() => parseCreateRequest({ HostConfig: { Memory: 1024 } }), /^HostConfig\.Memory: Minimum memory limit allowed is 6MB$/);
    rejects(() => parseCreateRequest({ HostConfig: { CapAdd: ['NOPE'] } }), /^HostConfig\.CapAdd\[0\]: invalid CapAdd: unknown capability: "NOPE"$/);
    rejects(() => parseCreateRequest({ HostConfig: { SecurityOpt: ['bogus=1'] } }), /^HostConfig\.SecurityOpt\[0\]: invalid --security-opt 2: "bogus=1"$/);
    rejects(() => parseCreateRequest({ HostConfig: { Ulimits: [{ Name: 'nofile', Soft: 10, Hard: 5 }] } }), /ulimit soft limit must be less than or equal to hard limit: 10 > 5/);
    rejects(() => parseCreateRequest({ HostConfig: { DeviceCgroupRules: ['x 1:2 r'] } }), /^HostConfig\.DeviceCgroupRules\[0\]: invalid device cgroup rule format: 'x 1:2 r'$/);
    rejects(() => parseCreateRequest({ HostConfig: { Devices: [{ PathOnHost: '/dev/fuse', CgroupPermissions: 'rwx' }] } }), /invalid device mode: rwx/);
    rejects(() => parseCreateRequest({ ExposedPorts: { '80/xyz': {} } }), /^ExposedPorts\.80\/xyz: invalid port specification/);
    rejects(() => parseCreateRequest({ HostConfig: { PortBindings: { '80/tcp': [{ HostPort: 'http' }] } } }), /HostPort: invalid port specification: "http"/);
    rejects(() => parseCreateRequest({ HostConfig: { ExtraHosts: ['db:1.2.3'] } }), /invalid IP address in add-host: "1.2.3"/);
    rejects(() => parseCreateRequest({ HostConfig: { MaskedPaths: ['proc/kcore'] } }), /^HostConfig\.MaskedPaths\[0\]: must be an absolute path/);
    assert.doesNotThrow(() => parseCreateRequest({ HostConfig: { ExtraHosts: ['db:10.0.0.2', 'gw:host-gateway', 'v6:[::1]'], PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } } }));
  });
});
