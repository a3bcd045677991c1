/** docker's yes/no question before destructive commands (prune): only "y" or "Y" is yes. */
import type { CliContext } from './context.js';

export async function confirm(ctx: CliContext, warning: string): Promise<boolean> {
  ctx.out(`${warning}\nAre you sure you want to continue? [y/N] `);
  const answer = await readLine(ctx.stdin);
  return /^y(es)?$/i.test(answer.trim());
}

/** One line of input, or what there is at EOF; stdin is released afterwards. */
export function readLine(stdin: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    const done = () => {
      stdin.off('data', onData);
      stdin.off('end', done);
      stdin.pause();
      resolve(buf.split('\n')[0] ?? '');
    };
    const onData = (d: Buffer | string) => {
      buf += d.toString();
      if (buf.includes('\n')) done();
    };
    stdin.on('data', onData);
    stdin.once('end', done);
    stdin.resume();
  });
}

/** All of stdin, as text. */
export async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  let s = '';
  for await (const chunk of stdin) s += chunk.toString();
  return s;
}
