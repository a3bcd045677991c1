import { randomBytes, randomInt } from 'node:crypto';

import { invalidArgument } from '../../errors.js';

/** Docker's rule for container names (a leading "/" is accepted and dropped). */
const NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function checkContainerName(name: string): string {
  if (!NAME.test(name)) throw invalidArgument('', `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  return name.replace(/^\//, '');
}

export function newContainerId(): string {
  return randomBytes(32).toString('hex');
}

const ADJECTIVES = (
  'admiring bold brave busy calm clever cool dazzling eager ecstatic elated epic festive focused gallant ' +
  'gifted happy hopeful jolly keen kind loving lucid magical modest nice nifty optimistic peaceful quirky ' +
  'relaxed serene sharp stoic sweet tender trusting upbeat vibrant wizardly youthful zealous'
).split(' ');
const SURNAMES = (
  'agnesi albattani allen archimedes babbage bardeen bell blackwell bohr brattain curie darwin dijkstra ' +
  'einstein euler fermat feynman franklin galileo goldberg hamilton hopper hypatia johnson kepler knuth ' +
  'lamport lovelace mayer meitner morse newton noether pascal perlman ritchie shannon thompson torvalds turing wozniak'
).split(' ');

/** A name like Docker's ("focused_turing"), unused by `taken`; a digit is appended after collisions. */
export function generateName(taken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    const base = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}`;
    const name = attempt < 10 ? base : `${base}${randomInt(10)}`;
    if (!taken(name)) return name;
  }
}
