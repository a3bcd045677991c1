import path from 'node:path';

/**
 * Where a container's files live. What must survive a reboot (its
 * document, log, /etc files, the rootfs mount point) is under the root;
 * what belongs to running processes (bundle, shim sockets, exit files) is
 * under the exec root.
 */
export class ContainerPaths {
  constructor(
    readonly root: string,
    readonly execRoot: string,
  ) {}

  dir(id: string): string {
    return path.join(this.root, 'containers', id);
  }

  log(id: string): string {
    return path.join(this.dir(id), `${id}-json.log`);
  }

  rootfs(id: string): string {
    return path.join(this.dir(id), 'rootfs');
  }

  etc(id: string, name: 'hosts' | 'hostname' | 'resolv.conf'): string {
    return path.join(this.dir(id), name);
  }

  /**
   * Short on purpose: a unix socket's path must fit in 108 bytes, and the
   * shim's sockets live below this (an exec's at `c/<id>/e/<exec>/attach.sock`).
   * Twelve hex digits name a container as docker's short ids do.
   */
  runDir(id: string): string {
    return path.join(this.execRoot, 'c', id.slice(0, 12));
  }

  bundle(id: string): string {
    return path.join(this.runDir(id), 'bundle');
  }

  shim(id: string): string {
    return path.join(this.runDir(id), 'shim');
  }

  exec(id: string, execId: string): string {
    return path.join(this.runDir(id), 'e', execId.slice(0, 12));
  }

  /** the runtime library's own state (runc's --root) */
  runtimeRoot(): string {
    return path.join(this.execRoot, 'runtime');
  }
}
