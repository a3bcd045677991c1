/*
 * berth-probe: a static program that tests run inside containers, after
 * crun's tests/init.c. Each subcommand looks at one thing from the inside
 * (or does one thing) and prints the result, mostly as JSON, so a test can
 * compare what the container got with what its spec asked for.
 *
 *   probe report [--check-masked P,..] [--check-readonly P,..] [--sysctl K,..]
 *   probe memhog MB [--hold]        probe forkbomb N
 *   probe syscall NAME [ARGS...]    probe exit N
 *   probe sleep SECONDS|inf         probe print ARGS...
 *   probe cat PATH...               probe write PATH TEXT
 *   probe signals                   probe pidone
 *
 * Exit codes: what the subcommand says (0 unless stated), 2 for a usage
 * error, 1 when the probe itself could not work (out of memory, stdout
 * closed).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "probe.h"
#include "util.h"

static int
cmd_exit (int argc, char **argv)
{
  long long code;

  if (argc != 1 || !parse_ll (argv[0], &code) || code < 0 || code > 255)
    die (PROBE_EXIT_USAGE, "usage: probe exit N (0..255)");
  fflush (stdout);
  return (int) code;
}

/* sleep SECONDS (fractions allowed) or "inf": nanosleep, resumed after any
   signal that has a handler, so the process is ended only by one that
   kills. In a PID namespace the probe is often init, and init ignores
   signals it has no handler for: SIGTERM does nothing, SIGKILL from outside
   still works. That is the behaviour the runtime's kill tests expect. */
static int
cmd_sleep (int argc, char **argv)
{
  struct timespec left;
  char *end;
  double secs;

  if (argc != 1)
    die (PROBE_EXIT_USAGE, "usage: probe sleep SECONDS|inf");
  errno = 0;
  secs = strtod (argv[0], &end);
  if (errno != 0 || end == argv[0] || *end != '\0' || secs < 0 || isnan (secs))
    die (PROBE_EXIT_USAGE, "sleep: not a number of seconds: %s", argv[0]);
  fflush (stdout);
  if (isinf (secs))
    for (;;)
      pause ();
  left.tv_sec = (time_t) secs;
  left.tv_nsec = (long) ((secs - (double) left.tv_sec) * 1e9);
  while (nanosleep (&left, &left) < 0 && errno == EINTR)
    ;
  return 0;
}

static int
cmd_print (int argc, char **argv)
{
  for (int i = 0; i < argc; i++)
    {
      if (i > 0)
        fputc (' ', stdout);
      fputs (argv[i], stdout);
    }
  fputc ('\n', stdout);
  return fflush (stdout) == 0 ? 0 : 1;
}

static int
write_all (int fd, const char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, buf, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      buf += n;
      len -= (size_t) n;
    }
  return 0;
}

/* cat PATH...: copy each file to stdout; exit 1 (with a message on stderr)
   at the first that cannot be read. */
static int
cmd_cat (int argc, char **argv)
{
  char buf[65536];

  if (argc < 1)
    die (PROBE_EXIT_USAGE, "usage: probe cat PATH...");
  fflush (stdout);
  for (int i = 0; i < argc; i++)
    {
      int fd = open (argv[i], O_RDONLY | O_CLOEXEC | O_NOCTTY);
      ssize_t n;

      if (fd < 0)
        die (1, "cat: %s: %s", argv[i], strerror (errno));
      while ((n = read (fd, buf, sizeof buf)) != 0)
        {
          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            die (1, "cat: %s: %s", argv[i], strerror (errno));
          if (write_all (STDOUT_FILENO, buf, (size_t) n) < 0)
            die (1, "cat: stdout: %s", strerror (errno));
        }
      close (fd);
    }
  return 0;
}

/* write PATH TEXT: create or truncate PATH and write TEXT to it, then print
   {"path":..,"ok":bool,"step":"open"|"write"|"close"|null,"errno":..}.
   Exit 0 either way: a refused write (EROFS, EACCES) is a result. */
static int
cmd_write (int argc, char **argv)
{
  const char *step = NULL;
  struct json j;
  int fd, err = 0;

  if (argc != 2)
    die (PROBE_EXIT_USAGE, "usage: probe write PATH TEXT");
  fd = open (argv[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
  if (fd < 0)
    {
      err = errno;
      step = "open";
    }
  else
    {
      if (write_all (fd, argv[1], strlen (argv[1])) < 0)
        {
          err = errno;
          step = "write";
        }
      /* Some filesystems report a failed write only at close. */
      if (close (fd) < 0 && err == 0)
        {
          err = errno;
          step = "close";
        }
    }
  json_init (&j, stdout);
  json_object_begin (&j, NULL);
  json_string (&j, "path", argv[0]);
  json_bool (&j, "ok", err == 0);
  json_string (&j, "step", step);
  json_errno (&j, err);
  json_object_end (&j);
  return json_finish (&j) ? 0 : 1;
}

/* signals: print "ready", then wait. SIGHUP, SIGINT, SIGUSR1, SIGUSR2 and
   SIGWINCH are each reported as "got SIGxxx"; SIGTERM is reported and ends
   the probe with exit 0. The signals are blocked and taken with sigwaitinfo,
   and also given a handler: the kernel drops a signal sent to a namespace's
   init when it has the default disposition, but never one that is blocked
   or handled. */
static void
on_signal (int sig)
{
}

static int
cmd_signals (int argc, char **argv)
{
  static const struct { int sig; const char *name; } watched[] = {
    { SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" }, { SIGUSR1, "SIGUSR1" },
    { SIGUSR2, "SIGUSR2" }, { SIGWINCH, "SIGWINCH" }, { SIGTERM, "SIGTERM" },
  };
  struct sigaction sa;
  sigset_t set;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset (&sa.sa_mask);
  sigemptyset (&set);
  for (size_t i = 0; i < sizeof watched / sizeof watched[0]; i++)
    {
      sigaction (watched[i].sig, &sa, NULL);
      sigaddset (&set, watched[i].sig);
    }
  if (sigprocmask (SIG_BLOCK, &set, NULL) < 0)
    die (1, "signals: sigprocmask: %s", strerror (errno));

  setvbuf (stdout, NULL, _IOLBF, 0);
  puts ("ready");
  for (;;)
    {
      int sig = sigwaitinfo (&set, NULL);

      if (sig < 0)
        {
          if (errno == EINTR)
            continue;
          die (1, "signals: sigwaitinfo: %s", strerror (errno));
        }
      for (size_t i = 0; i < sizeof watched / sizeof watched[0]; i++)
        if (watched[i].sig == sig)
          printf ("got %s\n", watched[i].name);
      if (sig == SIGTERM)
        return fflush (stdout) == 0 ? 0 : 1;
    }
}

static int
cmd_pidone (int argc, char **argv)
{
  printf ("%d\n", (int) getpid ());
  return fflush (stdout) == 0 ? 0 : 1;
}

static const struct
{
  const char *name;
  int (*run) (int argc, char **argv);
} commands[] = {
  { "report", cmd_report },
  { "memhog", cmd_memhog },
  { "forkbomb", cmd_forkbomb },
  { "syscall", cmd_syscall },
  { "exit", cmd_exit },
  { "sleep", cmd_sleep },
  { "print", cmd_print },
  { "cat", cmd_cat },
  { "write", cmd_write },
  { "signals", cmd_signals },
  { "pidone", cmd_pidone },
};

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fputs ("usage: probe report|memhog|forkbomb|syscall|exit|sleep|print|cat|write|signals|pidone [ARGS...]\n",
             stderr);
      return PROBE_EXIT_USAGE;
    }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp (commands[i].name, argv[1]) == 0)
      return commands[i].run (argc - 2, argv + 2);
  die (PROBE_EXIT_USAGE, "unknown subcommand %s", argv[1]);
}
