import type { Command } from '../context.js';

/** load, save and import: filled in with the archive code. */
export const archiveCommands: Record<string, Command> = {};
