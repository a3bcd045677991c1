/**
 * zstd decompression through Debian's `zstd` program, streaming through
 * pipes. Node 20's zlib has no zstd (it arrived in Node 22.15/23.8). The
 * program is the reference C implementation: several times faster than a
 * pure-JS decoder on layer-sized data, it verifies frame checksums, and it
 * costs one process per zstd layer, not per chunk. Needs the `zstd` package.
 */
import { spawn } from 'node:child_process';
import { PassThrough, Readable, pipeline } from 'node:stream';

import { errnoCode, failedPrecondition, invalidArgument } from '../../errors.js';

/**
 * The decoder refuses frames whose window needs more memory than this.
 * zstd's own default is 128 MiB; containerd's decoder (klauspost/compress)
 * allows 512 MiB windows, which `zstd --long` output may use.
 */
const MAX_WINDOW = '--memory=512MB';

export function zstdDecompress(source: Readable, context = 'layer'): Readable {
  const child = spawn('zstd', ['-d', '-c', '-q', MAX_WINDOW], { stdio: ['pipe', 'pipe', 'pipe'] });
  // Read from the start: when a child exits, Node resumes (and so discards)
  // any stdout nobody listens to yet, and zstd can finish a small layer
  // before our consumer asks for the first chunk.
  const stdout = new PassThrough({ highWaterMark: 1 << 16 });
  stdout.on('error', () => undefined); // read through iteration, which reports it
  child.stdout.on('error', (e) => stdout.destroy(e));
  child.stdout.pipe(stdout);
  const stderr: Buffer[] = [];
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 64) stderr.push(c);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', (e) => {
      reject(
        errnoCode(e) === 'ENOENT'
          ? failedPrecondition('program "zstd"', 'not installed (Debian package zstd)')
          : e,
      );
    });
    child.once('close', (code) => resolve(code));
  });
  // Rejections are observed in output(); this keeps an early one from being "unhandled".
  exited.catch(() => undefined);
  let inputError: Error | undefined;
  const fed = new Promise<void>((resolve) => {
    pipeline(source, child.stdin, (err) => {
      // EPIPE: zstd stopped reading (it failed, or we stopped it); its own status says why.
      if (err && errnoCode(err) !== 'EPIPE' && errnoCode(err) !== 'ERR_STREAM_PREMATURE_CLOSE') inputError = err;
      resolve();
    });
  });

  async function* output(): AsyncGenerator<Buffer, void, undefined> {
    let done = false;
    try {
      for await (const chunk of stdout) yield chunk as Buffer;
      const code = await exited;
      await fed;
      done = true;
      if (inputError) throw inputError;
      if (code !== 0) {
        const msg = Buffer.concat(stderr).toString('utf8').trim().split('\n').pop() ?? '';
        throw invalidArgument(context, `corrupt zstd data: ${msg.replace(/^zstd: /, '') || `zstd exited with status ${code}`}`);
      }
    } finally {
      if (!done) {
        // The consumer stopped early (or failed): stop zstd and the source.
        child.kill('SIGKILL');
        source.destroy();
        stdout.destroy();
        await exited.catch(() => undefined);
      }
    }
  }
  return Readable.from(output(), { objectMode: false });
}
