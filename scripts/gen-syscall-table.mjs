#!/usr/bin/env node
// Regenerates the syscall name -> number tables of the seccomp compiler
// (src/runtime/seccomp/tables/*.ts) from the kernel's uapi headers
// (Debian: linux-libc-dev) through the C preprocessor, so the #if logic of
// asm-generic/unistd.h is evaluated by cpp itself, not re-implemented here.
//
//   node scripts/gen-syscall-table.mjs [--include /usr/include] [--multiarch x86_64-linux-gnu]
//
// The output is deterministic (sorted by number, no dates): rerunning it on
// the same headers gives the same files, so a diff shows real changes only.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'src/runtime/seccomp/tables');

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const include = opt('--include', '/usr/include');
const multiarch = opt('--multiarch', 'x86_64-linux-gnu');
const x86asm = join(include, multiarch, 'asm');

const X32_SYSCALL_BIT = 0x40000000;

// Syscalls added after the headers this machine ships (6.1). Since 5.1
// (number 424) every new syscall gets the same number on all architectures
// except alpha, so one list serves x86_64, i386, x32 (plus the x32 bit) and
// the asm-generic family. Checked against arch/x86/entry/syscalls/*.tbl of
// 6.18. Only names missing from the headers are taken from here.
const LATE_SYSCALLS = {
  cachestat: 451,
  fchmodat2: 452,
  map_shadow_stack: 453,
  futex_wake: 454,
  futex_wait: 455,
  futex_requeue: 456,
  statmount: 457,
  listmount: 458,
  lsm_get_self_attr: 459,
  lsm_set_self_attr: 460,
  lsm_list_modules: 461,
  mseal: 462,
  setxattrat: 463,
  getxattrat: 464,
  listxattrat: 465,
  removexattrat: 466,
  open_tree_attr: 467,
  file_getattr: 468,
  file_setattr: 469,
  listns: 470,
};

/**
 * Which headers make each table. `wants` are the __ARCH_WANT_* switches the
 * architecture's own uapi asm/unistd.h sets before including the generic
 * header (arm64: arch/arm64/include/uapi/asm/unistd.h).
 */
const TABLES = [
  { file: 'x86_64.ts', constant: 'SYSCALLS_X86_64', abi: 'x86_64', header: join(x86asm, 'unistd_64.h'), bits: 64, lateBase: 0 },
  { file: 'x86.ts', constant: 'SYSCALLS_X86', abi: 'i386', header: join(x86asm, 'unistd_32.h'), bits: 32, lateBase: 0 },
  {
    file: 'x32.ts',
    constant: 'SYSCALLS_X32',
    abi: 'x32 (numbers include __X32_SYSCALL_BIT)',
    header: join(x86asm, 'unistd_x32.h'),
    bits: 64,
    defines: [`__X32_SYSCALL_BIT=${X32_SYSCALL_BIT}`],
    lateBase: X32_SYSCALL_BIT,
  },
  {
    file: 'aarch64.ts',
    constant: 'SYSCALLS_AARCH64',
    abi: 'aarch64 (asm-generic)',
    header: join(include, 'asm-generic/unistd.h'),
    bits: 64,
    defines: [
      '__ARCH_WANT_RENAMEAT',
      '__ARCH_WANT_NEW_STAT',
      '__ARCH_WANT_SET_GET_RLIMIT',
      '__ARCH_WANT_TIME32_SYSCALLS',
      '__ARCH_WANT_SYS_CLONE3',
      '__ARCH_WANT_MEMFD_SECRET',
    ],
    lateBase: 0,
  },
];

// Macros named __NR_* that are not syscalls.
const NOT_SYSCALLS = new Set(['syscalls', 'arch_specific_syscall']);

function macros(table, shim) {
  const args = ['-dM', '-nostdinc', '-I', shim, '-I', include];
  for (const d of table.defines ?? []) args.push('-D' + d);
  args.push(table.header);
  const out = execFileSync('cpp', args, { encoding: 'utf8' });
  const map = new Map();
  for (const line of out.split('\n')) {
    const m = /^#define (\w+) (.*)$/.exec(line);
    if (m) map.set(m[1], m[2].trim());
  }
  return map;
}

/** Evaluates the tiny expressions the headers use: numbers, macro names, +, parentheses. */
function evaluate(expr, map, depth = 0) {
  if (depth > 20) throw new Error(`macro loop at ${expr}`);
  const tokens = expr.match(/0x[0-9a-fA-F]+|\d+|\w+|[()+]/g) ?? [];
  let i = 0;
  const term = () => {
    const t = tokens[i++];
    if (t === undefined) throw new Error(`unexpected end of ${expr}`);
    if (t === '(') {
      const v = sum();
      if (tokens[i++] !== ')') throw new Error(`unbalanced ${expr}`);
      return v;
    }
    if (/^(0x[0-9a-fA-F]+|\d+)$/.test(t)) return Number(t);
    const def = map.get(t);
    if (def === undefined) throw new Error(`undefined macro ${t} in ${expr}`);
    return evaluate(def, map, depth + 1);
  };
  const sum = () => {
    let v = term();
    while (tokens[i] === '+') {
      i++;
      v += term();
    }
    return v;
  };
  const v = sum();
  if (i !== tokens.length) throw new Error(`cannot evaluate ${expr}`);
  return v;
}

function kernelVersion() {
  const text = readFileSync(join(include, 'linux/version.h'), 'utf8');
  const m = /LINUX_VERSION_CODE (\d+)/.exec(text);
  if (!m) return 'unknown';
  const code = Number(m[1]);
  return `${code >> 16}.${(code >> 8) & 0xff}`;
}

const shim = mkdtempSync(join(tmpdir(), 'gen-syscall-'));
try {
  // asm-generic/unistd.h asks <asm/bitsperlong.h> for the word size; answer
  // for the target (all our tables are for 64-bit kernels' native or compat
  // ABIs described by their own headers), not for the machine running cpp.
  mkdirSync(join(shim, 'asm'));
  mkdirSync(outDir, { recursive: true });
  const version = kernelVersion();
  for (const table of TABLES) {
    writeFileSync(join(shim, 'asm/bitsperlong.h'), `#define __BITS_PER_LONG ${table.bits}\n`);
    const map = macros(table, shim);
    const entries = new Map();
    for (const [name, expr] of map) {
      if (!name.startsWith('__NR_')) continue;
      const sys = name.slice('__NR_'.length);
      if (NOT_SYSCALLS.has(sys)) continue;
      entries.set(sys, evaluate(expr, map));
    }
    if (entries.size < 250) throw new Error(`${table.header}: only ${entries.size} syscalls, wrong header?`);
    const late = [];
    for (const [sys, nr] of Object.entries(LATE_SYSCALLS)) {
      if (!entries.has(sys)) {
        entries.set(sys, table.lateBase + nr);
        late.push(sys);
      }
    }
    const sorted = [...entries].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
    const lines = [
      `// Generated by scripts/gen-syscall-table.mjs from ${table.header.replace(include, '<include>')}`,
      `// (linux uapi headers ${version}). Do not edit: rerun the script.`,
      late.length > 0
        ? `// Added from the script's list of syscalls newer than the headers: ${late.join(', ')}.`
        : `// No syscalls were added beyond the headers.`,
      '',
      `/** Syscall numbers of the ${table.abi} ABI, by name. */`,
      `export const ${table.constant}: ReadonlyMap<string, number> = new Map([`,
      ...sorted.map(([sys, nr]) => `  ['${sys}', ${table.lateBase && nr >= table.lateBase ? `0x${nr.toString(16)}` : nr}],`),
      ']);',
      '',
    ];
    writeFileSync(join(outDir, table.file), lines.join('\n'));
    console.log(`${table.file}: ${entries.size} syscalls (${late.length} late)`);
  }
} finally {
  rmSync(shim, { recursive: true, force: true });
}
