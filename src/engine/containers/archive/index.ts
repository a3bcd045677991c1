export { archivePath } from './archive-path.js';
export { extractArchive, type ExtractArchiveOptions } from './extract-archive.js';
export { encodePathStatHeader, statPath, type PathOptions, type PathStat } from './path-stat.js';
export { GoMode, goFileMode } from './go-file-mode.js';
