/**
 * Image archives: `docker load` (loadArchive), `docker save` (saveArchive),
 * `docker import` (importRootfs), and the streaming tar writer under them.
 */
export { loadArchive, type LoadOptions, type LoadResult, type LoadedImage } from './load-archive.js';
export { saveArchive, type ArchiveFormat, type SaveOptions } from './save-archive.js';
export { importRootfs, type ImportOptions, type ImportResult } from './import-rootfs.js';
export { applyChanges } from './change-instructions.js';
export { TarWriter, type TarBody, type TarHeaderInput, type TarWriteType } from './tar-writer.js';
export type { SpoolLimits } from './entry-spool.js';
