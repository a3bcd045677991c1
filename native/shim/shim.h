/*
 * berth-shim: one per container; holds what must outlive berthd.
 *
 * It owns the container's stdio (pipes, or a pty master), copies the output
 * into a Docker json-file log, serves live output and stdin on attach.sock,
 * takes "resize" and "kill" on control.sock, reaps as a child subreaper and
 * records the exit status in an exit file. Single-threaded: one poll(2) loop,
 * all descriptors non-blocking, fixed buffers, so an idle shim costs a few
 * hundred KiB. The protocol is described in docs/shim.md.
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
void attach_accept(int listen_fd);
void control_accept(int listen_fd);
/* Send output to every attach client; stream 1 stdout, 2 stderr, 0 raw (terminal). */
void attach_broadcast(int stream, const char *data, size_t len);
/* Poll set building and dispatch for the clients. */
size_t clients_pollfds(struct pollfd *out, size_t cap, int want_input);
void clients_handle(const struct pollfd *fds, size_t n);
void clients_close_all(void);

/* ---- the shim's state, shared by the loop and the control commands ---- */
struct shim {
  int terminal;           /* output is a pty master */
  int pty_fd;             /* the master, or -1 */
  int stdin_fd;           /* pipe write end or the pty master, or -1 */
  pid_t pid;              /* the command */
  int exited;             /* the command has been reaped */
  char pending[4096];     /* attach input not yet written to stdin */
  size_t pending_len;
};

extern struct shim shim;

/* The poll loop (loop.c); returns when the command is reaped and its output drained. */
void run_loop(struct logfile *lf, int sig_fd, int attach_fd, int control_fd, int out_fd, int err_fd);
/* Queue attach input for the command's stdin (dropped when there is no stdin). */
void stdin_feed(const char *data, size_t len);
void stdin_close(void);
/* Run one control command line; fills `reply` with "ok" or "error <msg>". */
void control_run(const char *line, char *reply, size_t cap);

#endif
