/** Tiny clients for the host side of the tests: an HTTP GET and a UDP round trip, each giving up after a timeout. */
import { createSocket } from 'node:dgram';
import { get } from 'node:http';

/** The body, or undefined when the connection fails or times out. */
export function httpGet(url: string, timeoutMs = 2000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = get(url, { timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/** Sends one datagram and resolves with the first answer, or undefined. */
export function udpAsk(host: string, port: number, message: string, timeoutMs = 2000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const done = (v: string | undefined) => {
      clearTimeout(timer);
      s.close();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    s.on('message', (m) => done(m.toString('utf8')));
    s.on('error', () => done(undefined));
    s.send(message, port, host);
  });
}
