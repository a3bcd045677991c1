import type { Abi } from './arches.js';
import { simplifyCondition } from './compare.js';
import type { Condition, Profile, Rule } from './profile.js';

/**
 * The rules of a profile for one ABI, by syscall number, in profile order.
 *
 * A name the ABI's table does not have is skipped without a word, as runc
 * and libseccomp do: Docker's profile names syscalls that exist on some
 * architectures only (and some that this kernel's headers predate).
 *
 * Evaluation is first match wins, so the lists are trimmed where that
 * cannot change an outcome: rules that can never match on this ABI are
 * dropped, nothing after a rule without conditions is kept, and trailing
 * rules that return the default action anyway are dropped. A syscall left
 * with no rules is not dispatched at all.
 */
export function rulesFor(profile: Profile, abi: Abi): Map<number, Rule[]> {
  const byNumber = new Map<number, Rule[]>();
  for (const entry of profile.entries) {
    const rules = entry.rules.map((r) => simplifyRule(r, abi.wideArgs)).filter((r): r is Rule => r !== undefined);
    if (rules.length === 0) continue;
    for (const name of entry.names) {
      const nr = abi.syscalls.get(name);
      if (nr === undefined) continue;
      const list = byNumber.get(nr);
      if (list === undefined) byNumber.set(nr, [...rules]);
      else list.push(...rules);
    }
  }
  for (const [nr, list] of byNumber) {
    const unconditional = list.findIndex((r) => r.conditions.length === 0);
    if (unconditional >= 0) list.length = unconditional + 1;
    while (list.length > 0 && list[list.length - 1]?.action === profile.defaultAction) list.pop();
    if (list.length === 0) byNumber.delete(nr);
  }
  return byNumber;
}

/** The rule with its conditions decided where possible; undefined when it can never match. */
function simplifyRule(rule: Rule, wide: boolean): Rule | undefined {
  const conditions: Condition[] = [];
  for (const c of rule.conditions) {
    const s = simplifyCondition(c, wide);
    if (s === false) return undefined;
    if (s !== true) conditions.push(s);
  }
  return { action: rule.action, conditions };
}
