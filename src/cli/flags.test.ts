import assert from 'node:assert/strict';
import { test } from 'node:test';

import { all, bool, FlagError, int, parseFlags, str, type FlagDef } from './flags.js';

const defs: FlagDef[] = [
  { name: 'interactive', short: 'i' },
  { name: 'tty', short: 't' },
  { name: 'name', value: true },
  { name: 'publish', short: 'p', value: true, repeat: true },
  { name: 'time', short: 'T', value: true },
];

test('combined short switches, attached and separate values, repeats', () => {
  const p = parseFlags(['-it', '--name=web', '-p8080:80', '-p', '9090:90', 'image', 'sh'], defs);
  assert.equal(bool(p, 'interactive'), true);
  assert.equal(bool(p, 'tty'), true);
  assert.equal(str(p, 'name'), 'web');
  assert.deepEqual(all(p, 'publish'), ['8080:80', '9090:90']);
  assert.deepEqual(p.args, ['image', 'sh']);
});

test('flags stop at the first argument when the command has a command line of its own', () => {
  const p = parseFlags(['--name', 'x', 'image', 'sh', '-c', 'echo -i'], defs, true);
  assert.deepEqual(p.args, ['image', 'sh', '-c', 'echo -i']);
  assert.equal(bool(p, 'interactive'), false);
});

test('booleans take =true/=false, long or short; "-" alone and "--" are arguments', () => {
  const p = parseFlags(['--tty=false', '-i=true', '-', '--', '--name'], defs);
  assert.equal(bool(p, 'tty'), false);
  assert.equal(str(p, 'tty'), 'false');
  assert.equal(bool(p, 'interactive'), true);
  assert.deepEqual(p.args, ['-', '--name']);
});

test('unknown flags, missing values and bad values are refused with pflag\'s words', () => {
  assert.throws(() => parseFlags(['--bogus'], defs), new FlagError('unknown flag: --bogus'));
  assert.throws(() => parseFlags(['-ix'], defs), /unknown shorthand flag: 'x' in -ix/);
  assert.throws(() => parseFlags(['--name'], defs), /flag needs an argument: --name/);
  assert.throws(() => parseFlags(['-p'], defs), /flag needs an argument: 'p' in -p/);
  assert.throws(() => parseFlags(['--tty=maybe'], defs), /invalid argument "maybe" for "-t, --tty" flag: strconv.ParseBool/);
  assert.throws(() => int(parseFlags(['-T', 'x'], defs), { name: 'time', short: 'T' }), /invalid argument "x" for "-T, --time" flag: strconv.ParseInt: parsing "x": invalid syntax/);
  assert.equal(int(parseFlags(['-T', '-1'], defs), { name: 'time', short: 'T' }), -1);
});
