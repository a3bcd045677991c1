import type { Socket } from 'node:dgram';
import { setMaxListeners } from 'node:events';
import { isIP, type Server, type Socket as TcpSocket } from 'node:net';

import { invalidArgument } from '../../errors.js';
import { MAX_MESSAGE_SIZE, Rcode } from './constants.js';
import { udpAnswerLimit } from './edns.js';
import { encodeMessage } from './encode.js';
import { forward, type Transport } from './forward.js';
import { listenBoth } from './listen.js';
import { decide } from './local-answer.js';
import { decodeMessage, type DnsMessage } from './message.js';
import { RecordTable, type DnsEndpoint } from './record-table.js';
import { replyTo } from './reply.js';
import { frame, FrameReader } from './tcp-frames.js';
import { parseUpstream, type Upstream } from './upstream.js';

export interface EmbeddedDnsOptions {
  /** where to listen: the network's gateway address in berthd */
  address: string;
  /** 53 in berthd; 0 picks a free port (the same for UDP and TCP) */
  port: number;
  /** "ip", "ip:port" or "[ipv6]:port", asked in order for names the network does not know */
  upstreams: string[];
  /** per upstream; then the next one is asked */
  timeoutMs?: number;
}

/**
 * glibc waits 5 s before it retries a server: two upstreams at 2 s each
 * fit in that, so the client hears our SERVFAIL rather than its own timeout.
 */
const DEFAULT_TIMEOUT_MS = 2000;
/** Docker's cap on concurrent forwarded queries; past it, clients get REFUSED rather than the host running out of sockets. */
const MAX_FORWARDS = 1024;
/** RFC 7766 §6.2.3 asks servers to close idle connections; a few seconds is usual. */
const TCP_IDLE_MS = 10_000;
const MAX_TCP_CONNECTIONS = 512;

/**
 * The DNS server of one user-defined network (Docker's 127.0.0.11): answers
 * the names of the network's containers, forwards the rest. It runs in the
 * host's network namespace, on the network's gateway address, so it can
 * reach the host's loopback resolvers (systemd-resolved on 127.0.0.53).
 */
export class EmbeddedDns {
  private readonly address: string;
  private readonly upstreams: Upstream[];
  private readonly timeoutMs: number;
  private table = new RecordTable();
  private udp: Socket | undefined;
  private tcp: Server | undefined;
  private boundPort: number;
  private readonly connections = new Set<TcpSocket>();
  private abort = new AbortController();
  private forwards = 0;

  constructor(options: EmbeddedDnsOptions) {
    if (isIP(options.address) === 0) throw invalidArgument(`dns server "${options.address}"`, 'not an IP address');
    this.address = options.address;
    this.boundPort = options.port;
    this.upstreams = options.upstreams.map(parseUpstream);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The port listened on; the chosen one after start() with port 0. */
  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    if (this.udp) return;
    const { udp, tcp, port } = await listenBoth(this.address, this.boundPort, (s) => this.serveTcp(s));
    this.abort = new AbortController();
    // Every forwarded query listens on this signal; up to MAX_FORWARDS at once is by design, not a leak.
    setMaxListeners(MAX_FORWARDS, this.abort.signal);
    [this.udp, this.tcp, this.boundPort] = [udp, tcp, port];
    tcp.maxConnections = MAX_TCP_CONNECTIONS;
    // A send error (a client that vanished) must not take the server down.
    udp.on('error', () => undefined);
    udp.on('message', (packet, peer) => {
      void this.handle(packet, peer.address, 'udp').then((out) => {
        // The socket may have closed while an upstream was being asked; send() then throws.
        if (out && this.udp === udp) udp.send(out, peer.port, peer.address);
      }).catch(() => undefined);
    });
  }

  /** Stops listening, drops TCP clients and abandons queries still waiting on an upstream. */
  async close(): Promise<void> {
    const { udp, tcp } = this;
    this.udp = this.tcp = undefined;
    this.abort.abort();
    for (const c of this.connections) c.destroy();
    await Promise.all([
      udp && new Promise<void>((resolve) => udp.close(() => resolve())),
      tcp && new Promise<void>((resolve) => tcp.close(() => resolve())),
    ]);
  }

  /** Replaces every record at once; throws InvalidArgument (keeping the old ones) on a bad name or address. */
  setRecords(records: DnsEndpoint[]): void {
    this.table = new RecordTable(records);
  }

  private serveTcp(socket: TcpSocket): void {
    this.connections.add(socket);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.connections.delete(socket));
    const frames = new FrameReader();
    socket.on('data', (chunk: Buffer) => {
      for (const packet of frames.push(chunk)) {
        // RFC 7766 §6.2.1.1: answers may go out of order; each carries its query's id.
        void this.handle(packet, socket.remoteAddress ?? '', 'tcp').then((out) => {
          // No answer means garbage: the stream cannot be trusted any more.
          if (out === undefined) socket.destroy();
          else if (!socket.destroyed) socket.write(frame(out));
        }).catch(() => socket.destroy());
      }
    });
  }

  /** The bytes to send back, or undefined to stay silent. Never rejects. */
  private async handle(packet: Buffer, client: string, transport: Transport): Promise<Buffer | undefined> {
    let query: DnsMessage;
    try {
      query = decodeMessage(packet);
    } catch {
      return undefined;
    }
    try {
      const decision = decide(query, this.table);
      if (decision.action === 'drop') return undefined;
      const limit = transport === 'udp' ? udpAnswerLimit(decision.edns) : MAX_MESSAGE_SIZE;
      if (decision.action === 'answer') return encodeMessage(decision.reply, limit);
      const fail = (rcode: number) => encodeMessage(replyTo(query, rcode, { edns: decision.edns }), limit);
      if (this.forwards >= MAX_FORWARDS) return fail(Rcode.REFUSED);
      const upstreams = this.notSelf(this.table.upstreamsFor(client) ?? this.upstreams);
      this.forwards++;
      try {
        const question = query.questions[0] as DnsMessage['questions'][number];
        return (await forward(packet, question, upstreams, transport, this.timeoutMs, this.abort.signal)) ?? fail(Rcode.SERVFAIL);
      } finally {
        this.forwards--;
      }
    } catch {
      return undefined;
    }
  }

  /** An upstream that is this very server would forward a query to itself forever. */
  private notSelf(upstreams: readonly Upstream[]): readonly Upstream[] {
    return upstreams.filter((u) => !(u.address === this.address && u.port === this.boundPort));
  }
}
