/*
 * Subcommands that push against resource limits: `memhog` against the
 * memory cgroup (and RLIMIT_AS), `forkbomb` against the pids cgroup (and
 * RLIMIT_NPROC). Both report as they go, because the interesting outcome is
 * often that the kernel stops them part of the way.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json.h"
#include "probe.h"
#include "util.h"

#define MIB (1024UL * 1024UL)

/* memhog MB [--hold]: map and touch MB MiB, one MiB at a time, printing
   "allocated N MiB" after each, then "done N MiB". Under a memory limit the
   OOM killer ends it with SIGKILL part way, and the last line says how far
   it got. With --hold it then sleeps until killed, for tests that measure a
   container's memory use. */
int
cmd_memhog (int argc, char **argv)
{
  long long mb;
  bool hold = false;

  if (argc < 1 || argc > 2 || !parse_ll (argv[0], &mb) || mb < 0)
    die (PROBE_EXIT_USAGE, "usage: probe memhog MB [--hold]");
  if (argc == 2)
    {
      if (strcmp (argv[1], "--hold") != 0)
        die (PROBE_EXIT_USAGE, "memhog: unknown option %s", argv[1]);
      hold = true;
    }

  /* Each line goes straight out: whatever is buffered is lost when the OOM
     killer strikes, and the last line is the evidence. */
  setvbuf (stdout, NULL, _IONBF, 0);
  for (long long i = 1; i <= mb; i++)
    {
      /* mmap rather than malloc so each MiB is its own mapping and nothing
         is served from memory that was already touched. */
      char *p = mmap (NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

      if (p == MAP_FAILED)
        {
          int err = errno;
          printf ("failed at %lld MiB: %s\n", i, errno_name (err));
          return 1;
        }
      /* Write every page with a non-zero byte: untouched or zero pages may
         not be charged to the cgroup. */
      for (size_t off = 0; off < MIB; off += 4096)
        p[off] = 1;
      printf ("allocated %lld MiB\n", i);
    }
  printf ("done %lld MiB\n", mb);
  while (hold)
    pause ();
  return 0;
}

/* forkbomb N: fork up to N children that sleep, stop at the first failure,
   print {"forked":K,"errno":"EAGAIN"|null,"errnoNum":N}, then kill and reap
   every child. Bounded on purpose: it tests a pids limit, it does not try to
   take the machine down. */
int
cmd_forkbomb (int argc, char **argv)
{
  long long want, forked = 0;
  pid_t *children, parent = getpid ();
  int err = 0;
  struct json j;

  if (argc != 1 || !parse_ll (argv[0], &want) || want < 0 || want > 100000)
    die (PROBE_EXIT_USAGE, "usage: probe forkbomb N (0..100000)");
  children = calloc ((size_t) want + 1, sizeof (pid_t));
  if (children == NULL)
    die (1, "out of memory");

  /* Nothing may sit in the stdio buffer at fork, or each child would
     inherit a copy of it. */
  fflush (stdout);
  for (; forked < want; forked++)
    {
      pid_t pid = fork ();

      if (pid < 0)
        {
          err = errno;
          break;
        }
      if (pid == 0)
        {
          /* If the parent dies before it reaps us, die too rather than
             linger in the container (or on the host when run there). The
             getppid check closes the race with a parent that died before
             prctl. */
          prctl (PR_SET_PDEATHSIG, SIGKILL);
          if (getppid () != parent)
            _exit (0);
          for (;;)
            pause ();
        }
      children[forked] = pid;
    }

  for (long long i = 0; i < forked; i++)
    kill (children[i], SIGKILL);
  for (long long i = 0; i < forked; i++)
    while (waitpid (children[i], NULL, 0) < 0 && errno == EINTR)
      ;
  free (children);

  json_init (&j, stdout);
  json_object_begin (&j, NULL);
  json_int (&j, "forked", forked);
  json_errno (&j, err);
  json_object_end (&j);
  return json_finish (&j) ? 0 : 1;
}
