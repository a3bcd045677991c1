/**
 * A mount to perform: the currency between storage and runtimes. The
 * snapshotter emits them; the Linux runtime mounts them (overlay at the
 * container's rootfs), a VM runtime turns them into a disk or a share.
 */
export interface Mount {
  /** filesystem type: "overlay", "bind", … */
  type: string;
  source: string;
  /** mount(8)-style options: "lowerdir=…", "upperdir=…", "workdir=…", "ro", "rbind" */
  options: string[];
}
