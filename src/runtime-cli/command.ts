import type { LinuxRuntime } from '../runtime/linux-runtime.js';

/** One verb of berth-runtime: parses its own flags, returns the exit code. */
export type Command = (runtime: LinuxRuntime, argv: string[]) => Promise<number>;
