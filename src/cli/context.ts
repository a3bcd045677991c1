import { ImageService } from '../engine/images/image-service.js';

/** Where berth keeps its state: --root, BERTH_ROOT, or /var/lib/berth. */
export function berthRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env['BERTH_ROOT'] || '/var/lib/berth';
}

/**
 * What a command works with. Until berthd serves the Docker API, commands
 * use the engine in this process.
 */
export class CliContext {
  private images: ImageService | undefined;

  constructor(
    readonly root: string,
    readonly stdout: NodeJS.WriteStream = process.stdout,
    readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {}

  async imageService(): Promise<ImageService> {
    this.images ??= await ImageService.open({
      root: this.root,
      insecureRegistries: (process.env['BERTH_INSECURE_REGISTRIES'] ?? '').split(',').filter(Boolean),
    });
    return this.images;
  }

  close(): void {
    this.images?.close();
  }

  out(text: string): void {
    this.stdout.write(text);
  }
}

/** One verb: parses its own flags, returns the exit code. */
export type Command = (ctx: CliContext, argv: string[]) => Promise<number>;

/** A usage error: the command line is wrong (docker exits 125 for these on run, 1 elsewhere). */
export class UsageError extends Error {
  override name = 'UsageError';
}
