/*
 * berth-shim: one per container; holds what must outlive berthd.
 *
 * It owns the container's stdio (pipes, or a pty master), copies the output
 * into a Docker json-file log, serves live output and stdin on attach.sock,
 * takes "resize" and "kill" on control.sock, reaps as a child subreaper and
 * records the exit status in an exit file. Under --sync-fd its command is a
 * launcher (berth-core): the shim relays the launcher's sync messages to the
 * caller and adopts the container process named by the "ready" message.
 * Single-threaded: one poll(2) loop, all descriptors non-blocking, fixed
 * buffers, so an idle shim costs a few hundred KiB. The protocol is
 * described in docs/shim.md.
 */
#ifndef BERTH_SHIM_H
#define BERTH_SHIM_H

#include <poll.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* Docker's copier buffer: a line longer than this is logged in pieces. */
#define LINE_MAX_BYTES 16384

/* ---- errors (util.c) ---- */
/* Print "berth-shim: <what>: <strerror(err)>" (or without the errno part when err is 0). */
void warn_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Before start-up completes: warn, tell the waiting parent, exit(1). */
void die(int err, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void set_ready_fd(int fd);
/* Send the start-up result (an exit code) to the waiting parent, once. */
void report_ready(unsigned char code);
int write_all(int fd, const void *buf, size_t len);
/* Write a small file in the current directory atomically (temp, fsync, rename). */
int write_file_atomic(const char *name, const char *content);
/* Write "pid" with the given pid, atomically. */
int write_pid_file(pid_t pid);
/* Write shim.json: the shim's pid, start time and boot id, so a reader can tell a live shim from a stale file. */
int write_identity(void);
/* RFC3339Nano in UTC as Go prints it (trailing zeros of the fraction dropped). */
void format_time(char *out, size_t cap, const struct timespec *ts);

/* ---- json-file log (logfile.c) ---- */
struct logfile {
  int fd;                 /* -1: no log */
  int dir_fd;             /* the log's directory, for rotation by renameat */
  char name[256];         /* base name inside dir_fd */
  long long size;         /* bytes in the current file */
  long long max_size;     /* rotate when reached; 0: never */
  int max_files;          /* files kept, the current one included */
};

int logfile_open(struct logfile *lf, const char *path);
/* One json-file entry: a line with its "\n", or a piece of a longer one. */
void logfile_write(struct logfile *lf, const char *stream, const char *data, size_t len,
                   const struct timespec *ts);

/* ---- attach and control sockets (sockets.c) ---- */
int listen_unix(const char *name);
/* Accept one client; 0 when one was added. */
int attach_accept(int listen_fd);
int control_accept(int listen_fd);
/* Send output to every attach client; stream 1 stdout, 2 stderr, 0 raw (terminal). */
void attach_broadcast(int stream, const char *data, size_t len);
/* Poll set building and dispatch for the clients; want_room asks for POLLOUT on attach clients. */
size_t clients_pollfds(struct pollfd *out, size_t cap, int want_input, int want_room);
/* Every attach client's socket can take another piece of output. */
int attach_clients_have_room(void);
void clients_handle(const struct pollfd *fds, size_t n);
/* The exit file is written: answer the control clients waiting for it. */
void clients_exit_written(void);
void clients_close_all(void);
/* At the end: EOF to attach clients, then wait (up to timeout_ms) for them to close. */
void clients_linger(int timeout_ms);

/* ---- starting the command (spawn.c) ---- */
struct spawn_opts {
  int stdin_wanted;       /* --stdin: a pipe fed from attach clients */
  int null_stdio;         /* --console-socket: the command's stdio is /dev/null */
  int sync_fd;            /* --sync-fd N: fds 3..N-1 passed through, `relay_w` becomes fd N; -1 otherwise */
  int relay_w;
};
/* Forks and execs the command; fills its pid and output fds (-1 for none).
 * Returns the exec errno (0 when it is running). */
int spawn(char **argv, const struct spawn_opts *o, pid_t *pid, int *out_fd, int *err_fd);

/* ---- the launcher's sync messages (relay.c) ---- */
void relay_init(int read_fd, int caller_fd, pid_t launcher);
int relay_poll_fd(void);
void relay_read(void);
/* A child was reaped that is not the recorded process: the launcher's
 * status is kept, and so is any other child's until the ready message
 * arrives (it may name a process already reaped). */
void relay_reaped(pid_t pid, int status, const struct timespec *mono, const struct timespec *real);
/* Once the launcher is gone: close the caller's sync fd; if it never
 * reported ready, record its own exit. */
void relay_settle(void);

/* ---- the container's pty master over console.sock (console.c) ---- */
int console_listen(void);
/* Fills the two poll slots (listener, connection); fd -1 when not wanted. */
void console_pollfds(struct pollfd *fds);
void console_handle(const struct pollfd *fds);
/* The master has been announced (ready seen) but not received yet. */
int console_pending(void);
void console_close(void);

/* ---- the shim's state, shared by the loop and the control commands ---- */
struct shim {
  int terminal;           /* output is a pty master (--terminal or --console-socket) */
  int console;            /* --console-socket: the master arrives on console.sock */
  int pty_fd;             /* the master, or -1 */
  int stdin_fd;           /* pipe write end or the pty master, or -1 */
  pid_t pid;              /* the process whose exit is recorded; 0 while unknown (--sync-fd) */
  int ready;              /* --sync-fd: the launcher reported ready */
  int launch_failed;      /* --sync-fd: the launcher ended without reporting ready */
  int exited;             /* that process has been reaped */
  int exit_written;       /* the exit file is written */
  int status;             /* its wait status */
  struct timespec exited_mono, finished;
  int wait_attach;        /* --wait-attach: output is not read before the first attach */
  int attached;           /* an attach client has connected */
  char pending[4096];     /* attach input not yet written to stdin */
  size_t pending_len;
};

extern struct shim shim;

/* The poll loop (loop.c); returns when the command is reaped and its output drained. */
void run_loop(struct logfile *lf, int sig_fd, int attach_fd, int control_fd, int out_fd, int err_fd);
/* The recorded process has exited (reaped now, or earlier and stashed). */
void record_exit(pid_t pid, int status, const struct timespec *mono, const struct timespec *real);
/* The pty master received on console.sock becomes the output and stdin. */
void output_set_pty(int fd);

/* ---- stdin and control commands (control.c) ---- */
/* Queue attach input for the command's stdin (dropped when there is no stdin). */
void stdin_feed(const char *data, size_t len);
void stdin_flush(void);
void stdin_close(void);
/* Run one control command line; fills `reply` with "ok" or "error <msg>".
 * Returns 0 when the reply is deferred ("wait" before the exit is written). */
int control_run(const char *line, char *reply, size_t cap);

#endif
