import { createSocket, type Socket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket as TcpSocket } from 'node:net';

import { BerthError, errnoCode } from '../../errors.js';

/** The UDP socket and TCP listener of one DNS server, on the same address and port. */
export interface Listeners {
  udp: Socket;
  tcp: Server;
  port: number;
}

/**
 * Binds UDP then TCP. Port 0 picks a free UDP port and then asks for the
 * same TCP port, which another process may hold: then it tries again with
 * a new UDP port, a few times.
 */
export async function listenBoth(address: string, port: number, onConnection: (s: TcpSocket) => void): Promise<Listeners> {
  for (let attempt = 1; ; attempt++) {
    const udp = await bindUdp(address, port);
    const bound = udp.address().port;
    try {
      const tcp = await listenTcp(address, bound, onConnection);
      return { udp, tcp, port: bound };
    } catch (e) {
      udp.close();
      const inUse = e instanceof BerthError && errnoCode(e.cause) === 'EADDRINUSE';
      if (port !== 0 || attempt >= 5 || !inUse) throw e;
    }
  }
}

function bindUdp(address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const udp = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
    udp.once('error', (e) => {
      udp.close();
      reject(cannotListen('udp', address, port, e));
    });
    udp.bind({ address, port, exclusive: true }, () => {
      udp.removeAllListeners('error');
      resolve(udp);
    });
  });
}

function listenTcp(address: string, port: number, onConnection: (s: TcpSocket) => void): Promise<Server> {
  return new Promise((resolve, reject) => {
    const tcp = createServer(onConnection);
    tcp.once('error', (e) => reject(cannotListen('tcp', address, port, e)));
    tcp.listen({ host: address, port, exclusive: true }, () => {
      tcp.removeAllListeners('error');
      resolve(tcp);
    });
  });
}

function cannotListen(proto: string, address: string, port: number, cause: Error) {
  const where = isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
  return new BerthError('Unavailable', `dns server ${proto} ${where}`, `cannot listen: ${errnoCode(cause) ?? cause.message}`, { cause });
}
