import { answerOpt, type Edns } from './edns.js';
import type { DnsMessage, DnsRecord } from './message.js';

/**
 * A response to `query`: same id and question (as the client spelled it,
 * so 0x20 case randomisation checks out), RD and CD echoed, RA set because
 * the server does recurse on the client's behalf by forwarding. An EDNS
 * query gets an OPT back, which also carries the upper bits of the rcode.
 */
export function replyTo(
  query: DnsMessage,
  rcode: number,
  options: { answers?: DnsRecord[]; authoritative?: boolean; edns?: Edns | undefined } = {},
): DnsMessage {
  return {
    id: query.id,
    flags: {
      qr: true,
      opcode: query.flags.opcode,
      aa: options.authoritative ?? false,
      tc: false,
      rd: query.flags.rd,
      ra: true,
      ad: false,
      cd: query.flags.cd,
      rcode: rcode & 0xf,
    },
    questions: query.questions,
    answers: options.answers ?? [],
    authorities: [],
    additionals: options.edns ? [answerOpt(rcode)] : [],
  };
}
