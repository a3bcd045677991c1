import type { CliContext } from '../context.js';
import { bool, parseFlags } from '../flags.js';
import { humanSize } from '../output/units.js';

/** image prune [-a] [-f]: without -f, only when confirmed on a terminal. */
export async function imagePrune(ctx: CliContext, argv: string[]): Promise<number> {
  const p = parseFlags(argv, [{ name: 'all', short: 'a' }, { name: 'force', short: 'f' }, { name: 'filter', value: true, repeat: true }]);
  const all = bool(p, 'all');
  if (!bool(p, 'force')) {
    const what = all ? 'all images without at least one container associated to them' : 'all dangling images';
    ctx.out(`WARNING! This will remove ${what}.\nAre you sure you want to continue? [y/N] `);
    const answer = await readLine();
    if (!/^y(es)?$/i.test(answer.trim())) return 0;
  }
  const result = await (await ctx.imageService()).prune({ all });
  if (result.ImagesDeleted.length > 0) {
    ctx.out('Deleted Images:\n');
    for (const item of result.ImagesDeleted) ctx.out(item.Untagged ? `untagged: ${item.Untagged}\n` : `deleted: ${item.Deleted}\n`);
    ctx.out('\n');
  }
  ctx.out(`Total reclaimed space: ${humanSize(result.SpaceReclaimed)}\n`);
  return 0;
}

function readLine(): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) done();
    };
    const done = () => {
      process.stdin.off('data', onData);
      process.stdin.pause();
      resolve(buf);
    };
    process.stdin.on('data', onData);
    process.stdin.once('end', done);
  });
}
