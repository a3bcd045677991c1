/**
 * Everything berthd can be asked to do over the Docker Engine API, as one
 * closed union. parse-request.ts turns an HTTP request into exactly one of
 * these (or an error); dispatch.ts carries it out. Nothing else in the API
 * looks at URLs, query strings or headers.
 */
import type { Credentials } from '../image/registry/index.js';
import type { Platform } from '../image/descriptor.js';
import type { ContainerAction } from './container-actions.js';

/** `filters` of list and prune calls: name → accepted values. */
export type Filters = ReadonlyMap<string, readonly string[]>;

export type Action =
  /** `GET|HEAD /_ping`: always valid; the client learns the API version from its headers. */
  | { kind: 'ping'; head: boolean }
  /** `GET /version` */
  | { kind: 'version' }
  /** `GET /info` */
  | { kind: 'info' }
  /** `POST /auth`: checks credentials against a registry (docker login); nothing is stored. */
  | { kind: 'auth'; serverAddress: string; credentials: Credentials }
  /** `GET /images/json` */
  | { kind: 'imageList'; filters: Filters }
  /** `GET /images/{name}/json` */
  | { kind: 'imageInspect'; name: string }
  /** `GET /images/{name}/history` */
  | { kind: 'imageHistory'; name: string }
  /** `POST /images/{name}/tag?repo=&tag=`: target is "repo[:tag]". */
  | { kind: 'imageTag'; name: string; target: string }
  /** `DELETE /images/{name}?force=` */
  | { kind: 'imageRemove'; name: string; force: boolean }
  /** `POST /images/create?fromImage=&tag=&platform=`: a pull; progress streams back. */
  | { kind: 'imagePull'; reference: string; platform?: Platform; credentials?: Credentials }
  /** `POST /images/create?fromSrc=-&repo=&tag=&changes=&message=`: an import of the request body. */
  | { kind: 'imageImport'; reference: string; changes: string[]; message: string; body: AsyncIterable<Uint8Array> }
  /** `POST /images/{name}/push?tag=`: progress streams back. */
  | { kind: 'imagePush'; reference: string; credentials?: Credentials }
  /** `POST /images/load?quiet=`: the body is a docker-save or OCI archive. */
  | { kind: 'imageLoad'; quiet: boolean; body: AsyncIterable<Uint8Array> }
  /** `GET /images/get?names=…` and `GET /images/{name}/get`: a docker-save archive streams back (berth also writes an OCI layout with format=oci). */
  | { kind: 'imageSave'; names: string[]; format: 'docker' | 'oci' }
  /** `POST /images/prune?filters=`: `dangling=false` (docker image prune -a) removes every unused image. */
  | { kind: 'imagePrune'; all: boolean }
  | ContainerAction;

export type ActionKind = Action['kind'];
