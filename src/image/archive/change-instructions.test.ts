import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { isBerthError } from '../../errors.js';
import { applyChanges } from './change-instructions.js';

const invalid = (re: RegExp) => (e: unknown) => isBerthError(e, 'InvalidArgument') && re.test(e.message);

describe('applyChanges', () => {
  it('takes CMD and ENTRYPOINT in exec and shell form', () => {
    assert.deepEqual(applyChanges(['CMD ["sh"]']).Cmd, ['sh']);
    assert.deepEqual(applyChanges(['CMD sh -c x']).Cmd, ['/bin/sh', '-c', 'sh -c x']);
    assert.deepEqual(applyChanges(['cmd [not json']).Cmd, ['/bin/sh', '-c', '[not json']);
    assert.deepEqual(applyChanges(['ENTRYPOINT ["/init", "--"]']).Entrypoint, ['/init', '--']);
    assert.deepEqual(applyChanges(['CMD []']).Cmd, []);
  });

  it('clears an inherited CMD on ENTRYPOINT, but not one set by the same changes', () => {
    const base = { Cmd: ['old'] };
    assert.equal(applyChanges(['ENTRYPOINT ["e"]'], base).Cmd, undefined);
    assert.deepEqual(applyChanges(['CMD ["c"]', 'ENTRYPOINT ["e"]'], base).Cmd, ['c']);
    assert.deepEqual(base.Cmd, ['old']);
  });

  it('sets ENV in both forms, replacing a key already set', () => {
    const c = applyChanges(['ENV A=1 B="two words" C=x\\ y', 'ENV D the rest of it', 'ENV A=3']);
    assert.deepEqual(c.Env, ['B=two words', 'C=x y', 'D=the rest of it', 'A=3']);
  });

  it('sets WORKDIR, USER, EXPOSE, LABEL, VOLUME, STOPSIGNAL and ONBUILD', () => {
    const c = applyChanges([
      'WORKDIR /srv',
      'WORKDIR app',
      'USER 1000:1000',
      'EXPOSE 80 53/udp 8000-8002/tcp',
      'LABEL a=b "c d"="e f"',
      'LABEL legacy value here',
      'VOLUME ["/data", "/logs"]',
      'VOLUME /cache',
      'STOPSIGNAL SIGINT',
      'ONBUILD RUN make',
    ]);
    assert.equal(c.WorkingDir, '/srv/app');
    assert.equal(c.User, '1000:1000');
    assert.deepEqual(Object.keys(c.ExposedPorts ?? {}), ['80/tcp', '53/udp', '8000/tcp', '8001/tcp', '8002/tcp']);
    assert.deepEqual(c.Labels, { a: 'b', 'c d': 'e f', legacy: 'value here' });
    assert.deepEqual(Object.keys(c.Volumes ?? {}), ['/data', '/logs', '/cache']);
    assert.equal(c.StopSignal, 'SIGINT');
    assert.deepEqual(c.OnBuild, ['RUN make']);
  });

  it('reads several instructions in one change, with continuations and comments', () => {
    const c = applyChanges(['# defaults\nENV A=1\nCMD echo \\\n  hi']);
    assert.deepEqual(c.Env, ['A=1']);
    assert.deepEqual(c.Cmd, ['/bin/sh', '-c', 'echo   hi']);
  });

  it('refuses other instructions and bad arguments by name', () => {
    assert.throws(() => applyChanges(['RUN apt-get update']), invalid(/^import: unsupported --change instruction "RUN apt-get update"$/));
    assert.throws(() => applyChanges(['COPY . /']), invalid(/unsupported --change instruction "COPY \. \/"/));
    assert.throws(() => applyChanges(['EXPOSE 99999']), invalid(/--change "EXPOSE 99999": invalid port "99999"/));
    assert.throws(() => applyChanges(['STOPSIGNAL kill -9']), invalid(/invalid signal/));
    assert.throws(() => applyChanges(['ENV A']), invalid(/needs a value/));
    assert.throws(() => applyChanges(['ENV A="x']), invalid(/unterminated double quote/));
    assert.throws(() => applyChanges(['CMD']), invalid(/CMD needs an argument/));
    assert.throws(() => applyChanges(['ONBUILD FROM x']), invalid(/not allowed as an ONBUILD trigger/));
    assert.throws(() => applyChanges(['ENV A=1 =x']), invalid(/not of the form key=value/));
  });
});
