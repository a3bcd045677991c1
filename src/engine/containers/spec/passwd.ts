/**
 * /etc/passwd and /etc/group of an image, and Docker's reading of `--user`
 * against them (runc's libcontainer/user GetExecUser and
 * GetAdditionalGroups, which dockerd uses): "name", "uid", "name:group",
 * "uid:gid", ""; a number that names nobody is taken as it is. Pure: the
 * file contents come in as text (undefined when the file does not exist).
 */
import { invalidArgument } from '../../../errors.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface ExecUser {
  uid: number;
  gid: number;
  /** supplementary groups from /etc/group (only when the group was not given) */
  sgids: number[];
}

/** The ids runc accepts: 0 to 2^31-1. */
const MAX_ID = 2 ** 31 - 1;

/** Go's strconv.Atoi; NaN when it is not a number. */
const atoi = (s: string) => (/^[+-]?\d+$/.test(s) ? Number(s) : Number.NaN);
/** Like runc's parser, a malformed number reads as 0. */
const num = (s: string | undefined) => (Number.isNaN(atoi(s ?? '')) ? 0 : atoi(s ?? ''));

function lines(text: string): string[][] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(':'));
}

export function parsePasswd(text: string): PasswdEntry[] {
  return lines(text).map(([name = '', , uid, gid]) => ({ name, uid: num(uid), gid: num(gid) }));
}

export function parseGroup(text: string): GroupEntry[] {
  return lines(text).map(([name = '', , gid, list = '']) => ({ name, gid: num(gid), members: list === '' ? [] : list.split(',') }));
}

function inRange(id: number): number {
  if (id < 0 || id > MAX_ID) throw invalidArgument('', `uids and gids must be in range 0-${MAX_ID}`);
  return id;
}

/** `spec` ("user[:group]") against the files; the defaults are root's ids, as for Docker. */
export function execUser(spec: string, passwd: readonly PasswdEntry[] | undefined, group: readonly GroupEntry[] | undefined): ExecUser {
  const [userArg = '', groupArg = ''] = spec.split(':');
  const uidArg = atoi(userArg);
  const gidArg = atoi(groupArg);
  const out: ExecUser = { uid: 0, gid: 0, sgids: [] };
  const match = (passwd ?? []).find((u) => (userArg === '' ? u.uid === out.uid : Number.isNaN(uidArg) ? u.name === userArg : u.uid === uidArg));
  if (match) {
    out.uid = match.uid;
    out.gid = match.gid;
  } else if (userArg !== '') {
    if (Number.isNaN(uidArg)) throw invalidArgument('', `unable to find user ${userArg}: no matching entries in passwd file`);
    out.uid = inRange(uidArg);
  }
  if (groupArg === '' && !match) return out;
  const groups = (group ?? []).filter((g) =>
    groupArg === '' ? g.members.includes(match?.name ?? '') : Number.isNaN(gidArg) ? g.name === groupArg : g.gid === gidArg,
  );
  if (groupArg !== '') {
    const first = groups[0];
    if (first) out.gid = first.gid;
    else if (Number.isNaN(gidArg)) throw invalidArgument('', `unable to find group ${groupArg}: no matching entries in group file`);
    else out.gid = inRange(gidArg);
  } else {
    out.sgids = groups.map((g) => g.gid);
  }
  return out;
}

/** GroupAdd entries (names or gids) as gids, each once, in the order given. */
export function additionalGroups(names: readonly string[], group: readonly GroupEntry[] | undefined): number[] {
  const gids: number[] = [];
  for (const name of names) {
    const found = (group ?? []).find((g) => (g.name === name || String(g.gid) === name) && !gids.includes(g.gid));
    const gid = found?.gid ?? atoi(name);
    if (Number.isNaN(gid)) throw invalidArgument('', `Unable to find group ${name}: no matching entries in group file`);
    if (!gids.includes(inRange(gid))) gids.push(gid);
  }
  return gids;
}
