import { LOCAL_TTL, Opcode, Rcode, RecordClass, RecordType } from './constants.js';
import { readEdns, type Edns } from './edns.js';
import { addressOfReverseName } from './ip.js';
import type { DnsMessage, DnsRecord } from './message.js';
import { canonicalName } from './names.js';
import type { RecordTable } from './record-table.js';
import { replyTo } from './reply.js';

/** What the server does with a decoded message. */
export type Decision =
  | { action: 'answer'; reply: DnsMessage; edns: Edns | undefined }
  | { action: 'forward'; edns: Edns | undefined }
  | { action: 'drop' };

/**
 * Docker's embedded server, decided: names of the network are answered
 * here, everything else goes upstream. A known name never gets NXDOMAIN:
 * for a type it has no data of (AAAA of an IPv4-only container, MX, …) the
 * answer is NOERROR with no records, so a resolver asking A and AAAA in
 * parallel keeps the A answer instead of concluding the name does not exist.
 */
export function decide(query: DnsMessage, table: RecordTable): Decision {
  // Never answer a response: two servers pointed at each other would ping-pong forever.
  if (query.flags.qr) return { action: 'drop' };
  const edns = readEdns(query);
  if (edns === 'invalid') return answer(replyTo(query, Rcode.FORMERR), undefined);
  if (query.flags.opcode !== Opcode.QUERY) return answer(replyTo(query, Rcode.NOTIMP, { edns }), edns);
  const question = query.questions[0];
  if (!question || query.questions.length !== 1) return answer(replyTo(query, Rcode.FORMERR, { edns }), edns);
  // RFC 6891 §6.1.3: only version 0 exists; anything else gets BADVERS.
  if (edns && edns.version !== 0) return answer(replyTo(query, Rcode.BADVERS, { edns }), edns);
  if (question.class !== RecordClass.IN && question.class !== RecordClass.ANY) return { action: 'forward', edns };

  const local = (answers: DnsRecord[]) => answer(replyTo(query, Rcode.NOERROR, { answers, authoritative: true, edns }), edns);
  if (question.type === RecordType.PTR) {
    const ip = addressOfReverseName(canonicalName(question.name));
    const name = ip === undefined ? undefined : table.nameOf(ip);
    if (name === undefined) return { action: 'forward', edns };
    return local([{ name: question.name, type: RecordType.PTR, class: RecordClass.IN, ttl: LOCAL_TTL, data: name }]);
  }
  const addresses = table.addresses(question.name);
  if (!addresses) return { action: 'forward', edns };
  if (question.type !== RecordType.A && question.type !== RecordType.ANY) return local([]);
  // Shuffled, as Docker does, so replicas sharing an alias share the load.
  return local(
    shuffle(addresses).map((ip) => ({ name: question.name, type: RecordType.A, class: RecordClass.IN, ttl: LOCAL_TTL, data: ip })),
  );
}

function answer(reply: DnsMessage, edns: Edns | undefined): Decision {
  return { action: 'answer', reply, edns };
}

function shuffle<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
