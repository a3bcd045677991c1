/** A user name and password (or access token) for one registry. */
export interface Credentials {
  username: string;
  password: string;
}

/** Fixed credentials, or a function asked once, when a registry first wants them. */
export type CredentialSource = Credentials | (() => Promise<Credentials | undefined>);

export function basicAuthorization(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`, 'utf8').toString('base64')}`;
}
