import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { assertInvalid } from '../config/invalid.test-helper.js';
import { additionalGroups, execUser, parseGroup, parsePasswd } from './passwd.js';

const passwd = parsePasswd(`
root:x:0:0:root:/root:/bin/sh
# a comment
daemon:x:1:1::/:/sbin/nologin
app:x:1000:1000:App:/home/app:/bin/sh
dup:x:1000:5::/:/bin/sh
`);
const group = parseGroup(`
root:x:0:root
wheel:x:10:root,app
app:x:1000:
audio:x:29:app
staff:x:50
`);

describe('execUser', () => {
  test('"" is root, with root\'s groups', () => {
    assert.deepEqual(execUser('', passwd, group), { uid: 0, gid: 0, sgids: [0, 10] });
  });

  test('a name or a uid, with the groups the user is a member of', () => {
    assert.deepEqual(execUser('app', passwd, group), { uid: 1000, gid: 1000, sgids: [10, 29] });
    assert.deepEqual(execUser('1000', passwd, group), { uid: 1000, gid: 1000, sgids: [10, 29] }, 'the first entry wins');
  });

  test('user:group by name or number; no supplementary groups then', () => {
    assert.deepEqual(execUser('app:staff', passwd, group), { uid: 1000, gid: 50, sgids: [] });
    assert.deepEqual(execUser('app:29', passwd, group), { uid: 1000, gid: 29, sgids: [] });
    assert.deepEqual(execUser('1:4242', passwd, group), { uid: 1, gid: 4242, sgids: [] });
  });

  test('a uid nobody has is taken as it is, with gid 0', () => {
    assert.deepEqual(execUser('4242', passwd, group), { uid: 4242, gid: 0, sgids: [] });
    assert.deepEqual(execUser('4242:4242', undefined, undefined), { uid: 4242, gid: 4242, sgids: [] });
  });

  test("Docker's errors", () => {
    assertInvalid(() => execUser('nobody', passwd, group), /^unable to find user nobody: no matching entries in passwd file$/);
    assertInvalid(() => execUser('nobody', undefined, undefined), /unable to find user nobody: no matching entries in passwd file/);
    assertInvalid(() => execUser('app:nogroup', passwd, group), /^unable to find group nogroup: no matching entries in group file$/);
    assertInvalid(() => execUser('-1', passwd, group), /uids and gids must be in range 0-2147483647/);
    assertInvalid(() => execUser('0:2147483648', passwd, group), /uids and gids must be in range/);
  });
});

describe('additionalGroups (GroupAdd)', () => {
  test('names and numbers, each gid once, in order', () => {
    assert.deepEqual(additionalGroups(['audio', '10', '777', '777'], group), [29, 10, 777]);
  });

  test('an unknown name is refused', () => {
    assertInvalid(() => additionalGroups(['video'], group), /^Unable to find group video: no matching entries in group file$/);
    assertInvalid(() => additionalGroups(['video'], undefined), /Unable to find group video/);
  });
});
