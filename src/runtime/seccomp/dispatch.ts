import type { Assembler, Label } from './assembler.js';
import { emitCondition } from './compare.js';
import { BPF_JEQ, BPF_JGE, BPF_JGT } from './constants.js';
import type { Rule } from './profile.js';

/** Segments tested one by one at the bottom of the search tree. */
const LEAF_SIZE = 4;

/**
 * A run of consecutive syscall numbers that all return the same action
 * without looking at arguments, or a single syscall with rules to evaluate.
 * Profiles such as Docker's allow long runs of neighbouring syscalls, so
 * testing runs rather than numbers makes the filter several times shorter.
 */
interface Segment {
  lo: number;
  hi: number;
  /** The action of every syscall of the run; undefined: one syscall with conditional rules. */
  simple: number | undefined;
  rules: readonly Rule[];
}

function segments(rules: ReadonlyMap<number, readonly Rule[]>): Segment[] {
  const out: Segment[] = [];
  for (const nr of [...rules.keys()].sort((a, b) => a - b)) {
    const list = rules.get(nr) ?? [];
    const only = list[0];
    const simple = list.length === 1 && only !== undefined && only.conditions.length === 0 ? only.action : undefined;
    const last = out[out.length - 1];
    if (simple !== undefined && last !== undefined && last.simple === simple && last.hi + 1 === nr) last.hi = nr;
    else out.push({ lo: nr, hi: nr, simple, rules: list });
  }
  return out;
}

/**
 * Emits the syscall dispatch of one ABI; on entry A holds seccomp_data.nr.
 *
 * A linear chain of `jeq nr` would cost a syscall near the end of Docker's
 * profile ~350 comparisons on every call, so segments are found by binary
 * search (`jge` splits) down to leaves of a few tests, in ascending order:
 *
 *     jeq #2, block2, +0       ; a single syscall
 *     jgt #9, +1, +0           ; the run 4..9: above it, try the next segment
 *     jge #4, allow, default   ;   below it (and above 2): not listed
 *     ...
 *     default: ret DEFAULT     ; not a listed syscall
 *     allow: ret ALLOW         ; shared by the leaf's runs with that action
 *     block2: <rules of syscall 2, each ending in ret>
 *
 * Every path ends in a `ret`, so code after a leaf is never fallen into.
 */
export function emitDispatch(
  asm: Assembler,
  rules: ReadonlyMap<number, readonly Rule[]>,
  defaultAction: number,
  wide: boolean,
): void {
  const segs = segments(rules);
  const tree = (from: number, to: number): void => {
    if (to - from <= LEAF_SIZE) return leaf(segs.slice(from, to));
    const mid = from + Math.floor((to - from) / 2);
    const split = segs[mid]?.lo ?? 0;
    const right = asm.label(`ge_${split}`);
    const left = asm.label(`lt_${split}`);
    asm.jump(BPF_JGE, split, right, left);
    asm.place(left);
    tree(from, mid);
    asm.place(right);
    tree(mid, to);
  };
  const leaf = (leafSegs: readonly Segment[]): void => {
    const miss = asm.label('default');
    const returns = new Map<number, Label>([[defaultAction, miss]]);
    const blocks: [Label, readonly Rule[]][] = [];
    for (const seg of leafSegs) {
      let target: Label;
      if (seg.simple !== undefined) {
        target = returns.get(seg.simple) ?? asm.label('ret');
        returns.set(seg.simple, target);
      } else {
        target = asm.label(`nr_${seg.lo}`);
        blocks.push([target, seg.rules]);
      }
      const next = asm.label();
      if (seg.lo === seg.hi) {
        asm.jump(BPF_JEQ, seg.lo, target, next);
      } else {
        // Segments are ascending: a number below this run that no earlier
        // test took lies in a gap, so it is not listed at all.
        const inside = asm.label();
        asm.jump(BPF_JGT, seg.hi, next, inside);
        asm.place(inside);
        asm.jump(BPF_JGE, seg.lo, target, miss);
      }
      asm.place(next);
    }
    for (const [action, label] of returns) {
      asm.place(label);
      asm.ret(action);
    }
    for (const [label, list] of blocks) {
      asm.place(label);
      emitRules(asm, list, defaultAction, wide);
    }
  };
  tree(0, segs.length);
}

/**
 * The rules of one syscall, first match wins: each rule's conditions are
 * ANDed (a failing one skips to the next rule), the rules are ORed, and
 * the default action ends the list.
 */
export function emitRules(asm: Assembler, rules: readonly Rule[], defaultAction: number, wide: boolean): void {
  for (const rule of rules) {
    if (rule.conditions.length === 0) {
      asm.ret(rule.action);
      return;
    }
    const nextRule = asm.label('next_rule');
    for (const c of rule.conditions) {
      const holds = asm.label('holds');
      emitCondition(asm, c, wide, holds, nextRule);
      asm.place(holds);
    }
    asm.ret(rule.action);
    asm.place(nextRule);
  }
  asm.ret(defaultAction);
}
