/**
 * Runs a parsed template against a value. Fields are looked up on plain
 * objects; a field holding a function is a method (`{{.Label "k"}}`) and is
 * called, with the command's arguments. A missing field prints
 * "<no value>", as Go does for the maps that decoded JSON becomes.
 */
import { FUNCS, goString, truth, type TemplateFunc } from './template-funcs.js';
import { TemplateError, type Node, type Operand, type Pipe } from './template-parse.js';

type Scope = Map<string, unknown>[];

export function execute(nodes: Node[], dot: unknown, extraFuncs: Record<string, TemplateFunc> = {}): string {
  const funcs = { ...FUNCS, ...extraFuncs };
  const out: string[] = [];
  const fail = (what: string, msg: string): never => {
    throw new TemplateError(`template: :1: executing "" at <${what}>: ${msg}`);
  };

  const lookupVar = (scope: Scope, name: string): unknown => {
    for (let i = scope.length - 1; i >= 0; i--) if (scope[i]?.has(name)) return scope[i]?.get(name);
    return fail(name, `undefined variable: ${name}`);
  };

  /** Walks `path` from `base`; returns the value and the object it was found on (a method's receiver). */
  const walk = (base: unknown, path: string[], label: string): { value: unknown; parent: unknown } => {
    let value = base;
    let parent: unknown;
    for (const key of path) {
      if (typeof value === 'function') value = (value as TemplateFunc).call(parent);
      // Through a missing or null value Go's maps give "no value", not an error.
      if (value === null || value === undefined) return { value: undefined, parent: undefined };
      if (typeof value !== 'object') return fail(label, `can't evaluate field ${key} in type ${typeof value}`);
      parent = value;
      value = (value as Record<string, unknown>)[key];
    }
    return { value, parent };
  };

  const operandValue = (op: Operand, dot: unknown, scope: Scope, args: unknown[], final: boolean): unknown => {
    switch (op.kind) {
      case 'lit':
        return op.value;
      case 'func': {
        const f = funcs[op.name];
        if (!f) return fail(op.name, `function "${op.name}" not defined`);
        return f(...args);
      }
      case 'sub':
      case 'field': {
        const base = op.kind === 'sub' ? pipeValue(op.pipe, dot, scope) : op.from === '.' ? dot : lookupVar(scope, op.from);
        const label = op.kind === 'field' ? `${op.from === '.' ? '' : op.from}.${op.path.join('.')}` : '(…)';
        const { value, parent } = walk(base, op.path, label);
        if (typeof value === 'function') return (value as TemplateFunc).apply(parent, args);
        if (final && args.length > 0) return fail(label, `can't give argument to non-function ${label}`);
        return value;
      }
    }
  };

  const pipeValue = (pipe: Pipe, dot: unknown, scope: Scope): unknown => {
    let value: unknown;
    pipe.cmds.forEach((cmd, i) => {
      const [head, ...rest] = cmd as [Operand, ...Operand[]];
      const args = rest.map((a) => operandValue(a, dot, scope, [], false));
      if (i > 0) args.push(value);
      if (head.kind !== 'func' && head.kind !== 'field' && args.length > 0) fail(goString(head.kind === 'lit' ? head.value : '(…)'), "can't give argument to non-function");
      value = operandValue(head, dot, scope, args, true);
    });
    if (pipe.vars.length === 1) setVar(scope, pipe.vars[0] as string, value, pipe.declare);
    return value;
  };

  const setVar = (scope: Scope, name: string, value: unknown, declare: boolean): void => {
    if (declare) {
      scope.at(-1)?.set(name, value);
      return;
    }
    for (let i = scope.length - 1; i >= 0; i--) if (scope[i]?.has(name)) return void scope[i]?.set(name, value);
    fail(name, `undefined variable: ${name}`);
  };

  const run = (list: Node[], dot: unknown, scope: Scope): void => {
    for (const n of list) {
      if (n.kind === 'text') out.push(n.text);
      else if (n.kind === 'print') {
        const v = pipeValue(n.pipe, dot, scope);
        if (n.pipe.vars.length === 0) out.push(goString(v));
      } else if (n.kind === 'if') {
        const inner = [...scope, new Map()];
        if (truth(pipeValue(n.pipe, dot, inner))) run(n.then, dot, inner);
        else run(n.else, dot, inner);
      } else if (n.kind === 'with') {
        const inner = [...scope, new Map()];
        const v = pipeValue({ ...n.pipe, vars: n.pipe.vars.slice(0, 1) }, dot, inner);
        if (truth(v)) run(n.then, v, inner);
        else run(n.else, dot, inner);
      } else {
        const inner: Scope = [...scope, new Map()];
        const v = pipeValue({ ...n.pipe, vars: [] }, dot, inner);
        const entries: [unknown, unknown][] = Array.isArray(v)
          ? v.map((x, i) => [i, x])
          : typeof v === 'object' && v !== null
            ? Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            : v === null || v === undefined
              ? []
              : fail('range', `range can't iterate over ${goString(v)}`);
        if (entries.length === 0) run(n.else, dot, inner);
        for (const [k, x] of entries) {
          const [a, b] = n.pipe.vars;
          if (a !== undefined && b !== undefined) {
            inner.at(-1)?.set(a, k);
            inner.at(-1)?.set(b, x);
          } else if (a !== undefined) {
            inner.at(-1)?.set(a, x);
          }
          run(n.then, x, inner);
        }
      }
    }
  };

  run(nodes, dot, [new Map([['$', dot]])]);
  return out.join('');
}
