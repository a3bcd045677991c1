import type { Assembler, Label } from './assembler.js';
import { emitCondition } from './compare.js';
import { BPF_JEQ, BPF_JGE } from './constants.js';
import type { Rule } from './profile.js';

/** Syscalls tested one by one at the bottom of the search tree. */
const LEAF_SIZE = 4;

/**
 * Emits the syscall dispatch of one ABI; on entry A holds seccomp_data.nr.
 *
 * A linear chain of `jeq nr` would cost a syscall near the end of Docker's
 * profile ~350 comparisons on every call, so numbers are found by binary
 * search (`jge` splits) down to leaves of a few `jeq`s: about 8 + 4
 * comparisons. A leaf looks like:
 *
 *     jeq #0, allow, +0
 *     jeq #1, allow, +0
 *     jeq #3, block3, +0
 *     ret DEFAULT          ; not a listed syscall
 *     allow: ret ALLOW     ; shared by the leaf's unconditional syscalls
 *     block3: <rules of syscall 3, each ending in ret>
 *
 * Every path ends in a `ret`, so code after a leaf is never fallen into.
 */
export function emitDispatch(
  asm: Assembler,
  rules: ReadonlyMap<number, readonly Rule[]>,
  defaultAction: number,
  wide: boolean,
): void {
  const numbers = [...rules.keys()].sort((a, b) => a - b);
  const tree = (from: number, to: number): void => {
    if (to - from <= LEAF_SIZE) return leaf(numbers.slice(from, to));
    const mid = from + Math.floor((to - from) / 2);
    const split = numbers[mid] ?? 0;
    const right = asm.label(`ge_${split}`);
    const left = asm.label(`lt_${split}`);
    asm.jump(BPF_JGE, split, right, left);
    asm.place(left);
    tree(from, mid);
    asm.place(right);
    tree(mid, to);
  };
  const leaf = (nrs: readonly number[]): void => {
    const returns = new Map<number, Label>();
    const blocks: [Label, readonly Rule[]][] = [];
    const miss = asm.label('default');
    returns.set(defaultAction, miss);
    for (const nr of nrs) {
      const list = rules.get(nr) ?? [];
      const only = list[0];
      let target: Label;
      if (list.length === 1 && only !== undefined && only.conditions.length === 0) {
        target = returns.get(only.action) ?? asm.label('ret');
        returns.set(only.action, target);
      } else {
        target = asm.label(`nr_${nr}`);
        blocks.push([target, list]);
      }
      const next = asm.label();
      asm.jump(BPF_JEQ, nr, target, next);
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
  tree(0, numbers.length);
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
