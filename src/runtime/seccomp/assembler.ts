import { BPF_ABS, BPF_ALU, BPF_JA, BPF_JMP, BPF_K, BPF_LD, BPF_MAX_JUMP, BPF_RET, BPF_W } from './constants.js';

/** A jump target; placed once with `Assembler.place`. */
export interface Label {
  readonly name: string;
}

type Node =
  | { kind: 'stmt'; code: number; k: number }
  | { kind: 'jump'; code: number; k: number; ifTrue: Label; ifFalse: Label; farTrue: boolean; farFalse: boolean }
  | { kind: 'goto'; target: Label; elided: boolean }
  | { kind: 'place'; label: Label };

/** One encoded struct sock_filter. */
export interface Instruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/**
 * Builds a classic BPF program with symbolic forward jumps and lays it out.
 *
 * Why labels and not hand-computed offsets: a conditional jump's jt/jf are
 * u8, so it can skip at most 255 instructions, and a filter for Docker's
 * profile is ~2000 instructions long. When a target is too far, `assemble`
 * turns the branch into a short hop to an unconditional `ja`, whose offset k
 * is 32 bits:
 *
 *     jeq #k, far, next     =>     jeq #k, 0, 1
 *                                  ja far
 *                           next:  ...
 *
 * Trampolines push later code further away, which can make other jumps too
 * far, so layout repeats until nothing changes. A branch never goes back to
 * short, so this ends (each round makes at least one more branch long).
 */
export class Assembler {
  private readonly nodes: Node[] = [];
  private readonly placed = new Set<Label>();
  private counter = 0;

  label(name = 'L'): Label {
    return { name: `${name}#${this.counter++}` };
  }

  place(label: Label): void {
    if (this.placed.has(label)) throw new Error(`bpf label ${label.name} placed twice`);
    this.placed.add(label);
    this.nodes.push({ kind: 'place', label });
  }

  /** A fresh label placed here, for code that continues on the next line. */
  here(name?: string): Label {
    const l = this.label(name);
    this.place(l);
    return l;
  }

  /** A = 32-bit word at `offset` of struct seccomp_data. */
  load(offset: number): void {
    this.nodes.push({ kind: 'stmt', code: BPF_LD | BPF_W | BPF_ABS, k: offset });
  }

  /** A = A <op> k for an ALU operation such as BPF_AND. */
  alu(op: number, k: number): void {
    this.nodes.push({ kind: 'stmt', code: BPF_ALU | op | BPF_K, k: k >>> 0 });
  }

  /** if (A <op> k) goto ifTrue else goto ifFalse, op one of BPF_JEQ/JGT/JGE/JSET. */
  jump(op: number, k: number, ifTrue: Label, ifFalse: Label): void {
    this.nodes.push({ kind: 'jump', code: BPF_JMP | op | BPF_K, k: k >>> 0, ifTrue, ifFalse, farTrue: false, farFalse: false });
  }

  goto(target: Label): void {
    this.nodes.push({ kind: 'goto', target, elided: false });
  }

  ret(value: number): void {
    this.nodes.push({ kind: 'stmt', code: BPF_RET | BPF_K, k: value >>> 0 });
  }

  /** Resolves every label and returns the instructions. Throws on a label never placed or a backward jump (bugs). */
  assemble(): Instruction[] {
    this.elideGotos();
    let positions = this.layout();
    for (;;) {
      let changed = false;
      for (const [i, node] of this.nodes.entries()) {
        if (node.kind !== 'jump') continue;
        const at = positions.nodes[i] ?? 0;
        // Where the short forms would land; a long branch stays long.
        const [jt, jf] = this.shortOffsets(node, at, positions.labels);
        if (!node.farTrue && jt > BPF_MAX_JUMP) {
          node.farTrue = true;
          changed = true;
        }
        if (!node.farFalse && jf > BPF_MAX_JUMP) {
          node.farFalse = true;
          changed = true;
        }
      }
      if (!changed) break;
      positions = this.layout();
    }
    return this.encode(positions);
  }

  /** A `goto` to the very next instruction (only labels in between) is a no-op: drop it. */
  private elideGotos(): void {
    for (const [i, node] of this.nodes.entries()) {
      if (node.kind !== 'goto') continue;
      for (let j = i + 1; j < this.nodes.length; j++) {
        const next = this.nodes[j];
        if (next?.kind !== 'place') break;
        if (next.label === node.target) {
          node.elided = true;
          break;
        }
      }
    }
  }

  private size(node: Node): number {
    switch (node.kind) {
      case 'stmt':
        return 1;
      case 'goto':
        return node.elided ? 0 : 1;
      case 'place':
        return 0;
      case 'jump':
        return 1 + (node.farTrue ? 1 : 0) + (node.farFalse ? 1 : 0);
    }
  }

  private layout(): { nodes: number[]; labels: Map<Label, number> } {
    const nodes: number[] = [];
    const labels = new Map<Label, number>();
    let pc = 0;
    for (const node of this.nodes) {
      nodes.push(pc);
      if (node.kind === 'place') labels.set(node.label, pc);
      pc += this.size(node);
    }
    return { nodes, labels };
  }

  private target(labels: Map<Label, number>, label: Label): number {
    const pc = labels.get(label);
    if (pc === undefined) throw new Error(`bpf label ${label.name} never placed`);
    return pc;
  }

  /** jt/jf of the jump at `at` if both branches were short: offsets from the instruction after it. */
  private shortOffsets(node: Node & { kind: 'jump' }, at: number, labels: Map<Label, number>): [number, number] {
    const rel = (l: Label): number => {
      // Labels placed after the jump node sit after its trampolines too; a
      // label at or before `at` was placed before the jump: classic BPF has
      // no backward jumps.
      const pc = this.target(labels, l);
      if (pc <= at) throw new Error(`bpf label ${l.name} is behind its jump`);
      return pc - (at + 1);
    };
    return [rel(node.ifTrue), rel(node.ifFalse)];
  }

  private encode(positions: { nodes: number[]; labels: Map<Label, number> }): Instruction[] {
    const out: Instruction[] = [];
    const ja = (from: number, to: Label): Instruction => {
      const k = this.target(positions.labels, to) - (from + 1);
      if (k < 0) throw new Error(`bpf label ${to.name} is behind its jump`);
      return { code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k };
    };
    for (const [i, node] of this.nodes.entries()) {
      const at = positions.nodes[i] ?? 0;
      if (node.kind === 'stmt') out.push({ code: node.code, jt: 0, jf: 0, k: node.k });
      else if (node.kind === 'goto' && !node.elided) out.push(ja(at, node.target));
      else if (node.kind === 'jump') {
        const [shortT, shortF] = this.shortOffsets(node, at, positions.labels);
        // Trampolines sit right after the jump: the true one first.
        const jt = node.farTrue ? 0 : shortT;
        const jf = node.farFalse ? (node.farTrue ? 1 : 0) : shortF;
        out.push({ code: node.code, jt, jf, k: node.k });
        if (node.farTrue) out.push(ja(at + 1, node.ifTrue));
        if (node.farFalse) out.push(ja(at + 1 + (node.farTrue ? 1 : 0), node.ifFalse));
      }
    }
    return out;
  }
}

/** struct sock_filter[] as the kernel reads it: u16 code, u8 jt, u8 jf, u32 k, little-endian (host order on every arch we target). */
export function encodeProgram(instructions: readonly Instruction[]): Buffer {
  const buf = Buffer.alloc(instructions.length * 8);
  instructions.forEach((insn, i) => {
    if (insn.jt > BPF_MAX_JUMP || insn.jf > BPF_MAX_JUMP) throw new Error(`bpf instruction ${i}: jump offset overflows u8`);
    buf.writeUInt16LE(insn.code, i * 8);
    buf.writeUInt8(insn.jt, i * 8 + 2);
    buf.writeUInt8(insn.jf, i * 8 + 3);
    buf.writeUInt32LE(insn.k >>> 0, i * 8 + 4);
  });
  return buf;
}
