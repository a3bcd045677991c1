import { createSocket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';

import { RecordClass, RecordType } from './constants.js';
import { encodeMessage } from './encode.js';
import { listenBoth, type Listeners } from './listen.js';
import { decodeMessage, type DnsMessage, type DnsRecord } from './message.js';
import { frame, FrameReader } from './tcp-frames.js';

/** Helpers for the DNS tests. Everything here talks to 127.0.0.1 only. */

export function queryMessage(name: string, type: number = RecordType.A, extra: Partial<DnsMessage> = {}): DnsMessage {
  return {
    id: 0x1234,
    flags: { qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, ad: false, cd: false, rcode: 0 },
    questions: [{ name, type, class: RecordClass.IN }],
    answers: [],
    authorities: [],
    additionals: [],
    ...extra,
  };
}

export function query(name: string, type: number = RecordType.A, extra: Partial<DnsMessage> = {}): Buffer {
  return encodeMessage(queryMessage(name, type, extra));
}

export function ednsOpt(udpSize: number, version = 0): DnsRecord {
  return { name: '', type: RecordType.OPT, class: udpSize, ttl: version << 16, data: Buffer.from([0, 10, 0, 2, 0xab, 0xcd]) };
}

/** Sends one datagram; resolves to the first answer, or undefined after `timeoutMs`. */
export function askUdp(port: number, packet: Buffer, timeoutMs = 3000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const done = (answer: Buffer | undefined) => {
      clearTimeout(timer);
      s.close();
      resolve(answer);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    s.on('message', (m) => done(m));
    s.send(packet, port, '127.0.0.1');
  });
}

/** Sends framed messages on one connection; resolves to `count` answers (or fewer if the server closes). */
export function askTcp(port: number, packets: Buffer[], count = packets.length): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const answers: Buffer[] = [];
    const frames = new FrameReader();
    const s = connect({ host: '127.0.0.1', port }, () => s.write(Buffer.concat(packets.map(frame))));
    s.on('data', (chunk: Buffer) => {
      answers.push(...frames.push(chunk));
      if (answers.length >= count) s.end();
    });
    s.on('error', reject);
    s.on('close', () => resolve(answers));
  });
}

export type UpstreamBehaviour = (query: DnsMessage, transport: 'udp' | 'tcp') => DnsMessage | Buffer | 'silent';

/** A fake upstream resolver on 127.0.0.1, UDP and TCP on one port, that records what it was asked. */
export class FakeUpstream {
  readonly seen: Array<{ query: DnsMessage; raw: Buffer; transport: 'udp' | 'tcp' }> = [];
  private listeners: Listeners | undefined;
  private readonly sockets = new Set<TcpSocket>();

  constructor(private readonly behaviour: UpstreamBehaviour) {}

  get address(): string {
    return `127.0.0.1:${this.listeners?.port ?? 0}`;
  }

  async start(): Promise<this> {
    this.listeners = await listenBoth('127.0.0.1', 0, (s) => this.serveTcp(s));
    const udp = this.listeners.udp;
    udp.on('message', (raw, peer) => {
      const out = this.respond(raw, 'udp');
      if (out) udp.send(out, peer.port, peer.address);
    });
    return this;
  }

  async close(): Promise<void> {
    const l = this.listeners;
    if (!l) return;
    for (const s of this.sockets) s.destroy();
    await Promise.all([new Promise<void>((r) => l.udp.close(() => r())), new Promise<void>((r) => l.tcp.close(() => r()))]);
  }

  private serveTcp(s: TcpSocket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => s.destroy());
    const frames = new FrameReader();
    s.on('data', (chunk: Buffer) => {
      for (const raw of frames.push(chunk)) {
        const out = this.respond(raw, 'tcp');
        if (out) s.write(frame(out));
      }
    });
  }

  private respond(raw: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined {
    const q = decodeMessage(raw);
    this.seen.push({ query: q, raw, transport });
    const out = this.behaviour(q, transport);
    if (out === 'silent') return undefined;
    return Buffer.isBuffer(out) ? out : encodeMessage(out);
  }
}

/** An upstream that answers every A query with `ip`, TTL 30, authoritative. */
export function answering(ip: string): UpstreamBehaviour {
  return (q) => ({
    ...q,
    flags: { ...q.flags, qr: true, ra: true },
    answers: q.questions.map((question) => ({ name: question.name, type: RecordType.A, class: RecordClass.IN, ttl: 30, data: ip })),
  });
}

export function rcodeAnswer(rcode: number): UpstreamBehaviour {
  return (q) => ({ ...q, flags: { ...q.flags, qr: true, ra: true, rcode } });
}
