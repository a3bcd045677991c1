import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';

import { runCommand, type Command } from './command.js';
import { CliContext } from './context.js';
import { StatusError, UsageError } from './errors.js';
import { str } from './flags.js';

const cmd = (args: Command['args']): Command => ({
  usage: '[OPTIONS] NAME',
  summary: 'Do a thing',
  flags: [{ name: 'time', short: 't', value: true, type: 'int', help: 'Seconds to wait' }],
  ...(args ? { args } : {}),
  run: async (ctx, p) => {
    ctx.out(`ran ${p.args.join(',')} ${str(p, 'time') ?? ''}\n`);
    return 0;
  },
});

function context(): { ctx: CliContext; out: () => string } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  return { ctx: new CliContext({ host: 'unix:///nowhere.sock' }, stdout as unknown as NodeJS.WriteStream), out: () => text };
}

test('flag errors exit 125 with the usage line, as docker\'s do', async () => {
  const { ctx } = context();
  await assert.rejects(runCommand(ctx, 'berth thing', cmd({}), ['--bogus']), (e: unknown) => {
    assert.ok(e instanceof StatusError);
    assert.equal(e.code, 125);
    assert.equal(e.message, "unknown flag: --bogus\n\nUsage:  berth thing [OPTIONS] NAME\n\nRun 'berth thing --help' for more information");
    return true;
  });
});

test('argument counts are checked with docker\'s words (exit 1)', async () => {
  const { ctx } = context();
  const refused = async (args: Command['args'], argv: string[], text: string) =>
    assert.rejects(runCommand(ctx, 'berth thing', cmd(args), argv), (e: unknown) => e instanceof UsageError && e.message.startsWith(text));
  await refused({ min: 1 }, [], "'berth thing' requires at least 1 argument\n\nUsage:  berth thing [OPTIONS] NAME\n\nSee 'berth thing --help'");
  await refused({ min: 2 }, ['a'], "'berth thing' requires at least 2 arguments");
  await refused({ min: 1, max: 1 }, [], "'berth thing' requires 1 argument\n\nUsage:  berth thing [OPTIONS] NAME\n\nRun");
  await refused({ max: 0 }, ['a'], "'berth thing' accepts no arguments");
  await refused({ max: 1 }, ['a', 'b'], "'berth thing' requires at most 1 argument");
  await refused({ min: 1, max: 2 }, [], "'berth thing' requires at least 1 and at most 2 arguments");
});

test('--help prints the usage and the options; otherwise the verb runs', async () => {
  const { ctx, out } = context();
  assert.equal(await runCommand(ctx, 'berth thing', cmd({}), ['--help']), 0);
  assert.equal(out(), '\nUsage:  berth thing [OPTIONS] NAME\n\nDo a thing\n\nOptions:\n  -t, --time int   Seconds to wait\n');
  assert.equal(await runCommand(ctx, 'berth thing', cmd({ min: 1 }), ['-t', '5', 'x']), 0);
  assert.match(out(), /ran x 5\n$/);
});
