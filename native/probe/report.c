/*
 * `probe report`: one JSON object describing what the process sees from
 * inside its container. Tests compare it with what the spec asked for, so
 * every field is read from the kernel (procfs, syscalls), never assumed.
 * A field the probe cannot read is null rather than a guess, and the report
 * is still printed: a container that hides /proc is something to report,
 * not a reason to fail.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "json.h"
#include "probe.h"
#include "util.h"

extern char **environ;

/* The checks asked for with --check-masked, --check-readonly and --sysctl.
   Each option may be given more than once; lists[k] keeps the raw
   comma-separated values in order. */
enum { OPT_MASKED, OPT_READONLY, OPT_SYSCTL, N_OPTS };

static const char *const option_names[N_OPTS] = {
  "--check-masked", "--check-readonly", "--sysctl",
};

struct report_options
{
  const char **lists[N_OPTS];
  int n[N_OPTS];
};

/* ---- identity ------------------------------------------------------- */

static void
report_identity (struct json *j)
{
  int n;

  json_int (j, "pid", getpid ());
  json_int (j, "ppid", getppid ());
  json_int (j, "uid", getuid ());
  json_int (j, "gid", getgid ());
  json_int (j, "euid", geteuid ());
  json_int (j, "egid", getegid ());

  n = getgroups (0, NULL);
  if (n < 0)
    {
      json_null (j, "groups");
      return;
    }
  gid_t *groups = calloc ((size_t) n + 1, sizeof (gid_t));
  if (groups == NULL)
    die (1, "out of memory");
  n = getgroups (n, groups);
  json_array_begin (j, "groups");
  for (int i = 0; i < n; i++)
    json_int (j, NULL, groups[i]);
  json_array_end (j);
  free (groups);
}

static void
report_uts (struct json *j)
{
  struct utsname u;

  if (uname (&u) < 0)
    {
      json_null (j, "hostname");
      json_null (j, "domainname");
      return;
    }
  json_string (j, "hostname", u.nodename);
  json_string (j, "domainname", u.domainname);
}

static void
report_cwd (struct json *j)
{
  char cwd[PATH_MAX];

  json_string (j, "cwd", getcwd (cwd, sizeof cwd));
}

/* ---- /proc/self/status --------------------------------------------- */

/* The value of "Key:\tvalue" in a status file, copied into out; false when
   the key is absent (older kernels lack CapAmb and Umask). */
static bool
status_field (const char *status, const char *key, char *out, size_t size)
{
  size_t klen = strlen (key);

  for (const char *line = status; line != NULL && *line; )
    {
      const char *eol = strchr (line, '\n');
      size_t len = eol ? (size_t) (eol - line) : strlen (line);

      if (len > klen && strncmp (line, key, klen) == 0 && line[klen] == ':')
        {
          const char *v = line + klen + 1;
          size_t vlen;

          while (*v == ' ' || *v == '\t')
            v++;
          vlen = (size_t) (line + len - v);
          if (vlen >= size)
            vlen = size - 1;
          memcpy (out, v, vlen);
          out[vlen] = '\0';
          return true;
        }
      line = eol ? eol + 1 : NULL;
    }
  return false;
}

/* Capability names by bit number, as the OCI spec spells them. */
static const char *const cap_names[] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
  "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
  "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
  "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
  "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
};

static void
cap_list (struct json *j, const char *key, const char *hex, bool present)
{
  unsigned long long mask;
  char *end;

  if (!present)
    {
      json_null (j, key);
      return;
    }
  errno = 0;
  mask = strtoull (hex, &end, 16);
  if (errno != 0 || end == hex)
    {
      json_null (j, key);
      return;
    }
  json_array_begin (j, key);
  for (unsigned bit = 0; bit < 64; bit++)
    {
      char unknown[16];

      if (!(mask & (1ULL << bit)))
        continue;
      if (bit < sizeof cap_names / sizeof cap_names[0])
        json_string (j, NULL, cap_names[bit]);
      else
        {
          /* A capability newer than this table; still show it. */
          snprintf (unknown, sizeof unknown, "CAP_%u", bit);
          json_string (j, NULL, unknown);
        }
    }
  json_array_end (j);
}

static void
report_status (struct json *j)
{
  static const char *const caps[][2] = {
    { "CapInh", "inheritable" }, { "CapPrm", "permitted" },
    { "CapEff", "effective" }, { "CapBnd", "bounding" },
    { "CapAmb", "ambient" },
  };
  char *status = read_file ("/proc/self/status", NULL);
  char value[128];
  bool have[5];
  char hex[5][32];

  if (status != NULL && status_field (status, "Umask", value, sizeof value))
    json_int (j, "umask", strtol (value, NULL, 8));
  else
    {
      /* Kernels before 4.7 do not show Umask; the only other way to read
         it is to set it and put it back. */
      mode_t m = umask (0);
      umask (m);
      json_int (j, "umask", m);
    }

  for (int i = 0; i < 5; i++)
    {
      have[i] = status != NULL && status_field (status, caps[i][0], hex[i], sizeof hex[i]);
      json_string (j, caps[i][0], have[i] ? hex[i] : NULL);
    }
  json_object_begin (j, "capabilities");
  for (int i = 0; i < 5; i++)
    cap_list (j, caps[i][1], hex[i], have[i]);
  json_object_end (j);

  static const char *const ints[] = { "NoNewPrivs", "Seccomp" };
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
    {
      if (status != NULL && status_field (status, ints[i], value, sizeof value))
        json_int (j, ints[i], strtol (value, NULL, 10));
      else
        json_null (j, ints[i]);
    }
  free (status);
}

/* ---- rlimits, personality, namespaces -------------------------------- */

static void
report_rlimits (struct json *j)
{
  static const struct { const char *name; int resource; } limits[] = {
    { "as", RLIMIT_AS }, { "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU },
    { "data", RLIMIT_DATA }, { "fsize", RLIMIT_FSIZE },
    { "locks", RLIMIT_LOCKS }, { "memlock", RLIMIT_MEMLOCK },
    { "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE },
    { "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC },
    { "rss", RLIMIT_RSS }, { "rtprio", RLIMIT_RTPRIO },
    { "rttime", RLIMIT_RTTIME }, { "sigpending", RLIMIT_SIGPENDING },
    { "stack", RLIMIT_STACK },
  };

  json_object_begin (j, "rlimits");
  for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
    {
      struct rlimit rl;

      if (getrlimit (limits[i].resource, &rl) < 0)
        {
          json_null (j, limits[i].name);
          continue;
        }
      json_object_begin (j, limits[i].name);
      /* RLIM_INFINITY is all ones; JSON numbers cannot hold it exactly. */
      json_int (j, "soft", rl.rlim_cur == RLIM_INFINITY ? -1 : (long long) rl.rlim_cur);
      json_int (j, "hard", rl.rlim_max == RLIM_INFINITY ? -1 : (long long) rl.rlim_max);
      json_object_end (j);
    }
  json_object_end (j);
}

static void
report_personality (struct json *j)
{
  /* 0xffffffff queries without changing anything. */
  int p = personality (0xffffffff);

  if (p < 0)
    json_null (j, "personality");
  else
    json_int (j, "personality", p);
}

static void
report_namespaces (struct json *j)
{
  static const char *const kinds[] = {
    "cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time",
    "time_for_children", "user", "uts",
  };

  /* The link text ("pid:[4026531836]") names the namespace: tests compare
     it with the host's to see that a namespace was (or was not) made. */
  json_object_begin (j, "namespaces");
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    {
      char path[64], target[128];
      ssize_t n;

      snprintf (path, sizeof path, "/proc/self/ns/%s", kinds[i]);
      n = readlink (path, target, sizeof target - 1);
      if (n < 0)
        {
          json_null (j, kinds[i]);
          continue;
        }
      target[n] = '\0';
      json_string (j, kinds[i], target);
    }
  json_object_end (j);
}

/* ---- cgroup and mounts ---------------------------------------------- */

static void
report_lines (struct json *j, const char *key, const char *path)
{
  char *text = read_file (path, NULL);

  if (text == NULL)
    {
      json_null (j, key);
      return;
    }
  json_array_begin (j, key);
  for (char *line = text; *line; )
    {
      char *eol = strchr (line, '\n');
      size_t len = eol ? (size_t) (eol - line) : strlen (line);

      json_string_len (j, NULL, line, len);
      if (eol == NULL)
        break;
      line = eol + 1;
    }
  json_array_end (j);
  free (text);
}

/* mountinfo escapes space, tab, newline and backslash as \ooo; undo it in
   place so targets compare equal to the paths in the spec. */
static void
unescape_octal (char *s)
{
  char *out = s;

  while (*s)
    {
      if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7'
          && s[3] >= '0' && s[3] <= '7')
        {
          *out++ = (char) (((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
          s += 4;
        }
      else
        *out++ = *s++;
    }
  *out = '\0';
}

/* One line of /proc/self/mountinfo:
   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
   (id parent dev root target options [optional...] - fstype source superoptions) */
static bool
report_mount (struct json *j, char *line)
{
  char *field[6], *save = NULL, *tok, *fstype, *source, *super;
  int n = 0;

  /* The count is checked before each strtok_r call: one call too many
     would swallow the first optional field. */
  while (n < 6 && (tok = strtok_r (n == 0 ? line : NULL, " ", &save)) != NULL)
    field[n++] = tok;
  if (n < 6)
    return false;

  json_object_begin (j, NULL);
  json_int (j, "id", strtol (field[0], NULL, 10));
  json_int (j, "parent", strtol (field[1], NULL, 10));
  unescape_octal (field[3]);
  unescape_octal (field[4]);
  json_string (j, "root", field[3]);
  json_string (j, "target", field[4]);
  json_string (j, "options", field[5]);
  /* Optional fields (shared:N, master:N, ...) run up to a lone "-". */
  json_array_begin (j, "propagation");
  for (tok = strtok_r (NULL, " ", &save); tok != NULL && strcmp (tok, "-") != 0;
       tok = strtok_r (NULL, " ", &save))
    json_string (j, NULL, tok);
  json_array_end (j);
  fstype = strtok_r (NULL, " ", &save);
  source = strtok_r (NULL, " ", &save);
  super = strtok_r (NULL, " ", &save);
  if (source != NULL)
    unescape_octal (source);
  json_string (j, "fstype", fstype);
  json_string (j, "source", source);
  json_string (j, "superOptions", super);
  json_object_end (j);
  return true;
}

static void
report_mounts (struct json *j)
{
  char *text = read_file ("/proc/self/mountinfo", NULL);
  long long count = 0;

  if (text == NULL)
    {
      json_null (j, "mounts");
      json_null (j, "mountCount");
      return;
    }
  json_array_begin (j, "mounts");
  for (char *line = text, *eol; line != NULL && *line; line = eol ? eol + 1 : NULL)
    {
      eol = strchr (line, '\n');
      if (eol != NULL)
        *eol = '\0';
      if (report_mount (j, line))
        count++;
    }
  json_array_end (j);
  json_int (j, "mountCount", count);
  free (text);
}

static void
report_root_readonly (struct json *j)
{
  struct statvfs vfs;

  if (statvfs ("/", &vfs) < 0)
    json_null (j, "rootReadonly");
  else
    json_bool (j, "rootReadonly", (vfs.f_flag & ST_RDONLY) != 0);
}

/* ---- network interfaces --------------------------------------------- */

/* Interface names. /proc/net/dev comes first because it shows the reader's
   network namespace; /sys/class/net shows the namespace of whoever mounted
   sysfs, which is the host's when sysfs was bind-mounted in. Returns a
   NULL-terminated array the caller frees (names live inside it). */
static char **
interface_names (void)
{
  size_t cap = 16, n = 0;
  char **names = calloc (cap + 1, sizeof (char *));
  char *text = read_file ("/proc/net/dev", NULL);

  if (names == NULL)
    die (1, "out of memory");
  if (text != NULL)
    {
      int lineno = 0;

      for (char *line = text, *eol; line != NULL && *line; line = eol ? eol + 1 : NULL)
        {
          char *colon, *name;

          eol = strchr (line, '\n');
          if (eol != NULL)
            *eol = '\0';
          /* Two header lines, then "  eth0: 1234 ...". */
          if (lineno++ < 2 || (colon = strchr (line, ':')) == NULL)
            continue;
          *colon = '\0';
          for (name = line; *name == ' '; name++)
            ;
          if (n == cap)
            {
              char **bigger = realloc (names, (cap * 2 + 1) * sizeof (char *));
              if (bigger == NULL)
                die (1, "out of memory");
              names = bigger;
              cap *= 2;
            }
          names[n++] = strdup (name);
        }
      free (text);
    }
  else
    {
      DIR *d = opendir ("/sys/class/net");
      struct dirent *de;

      while (d != NULL && (de = readdir (d)) != NULL)
        {
          if (de->d_name[0] == '.')
            continue;
          if (n == cap)
            {
              char **bigger = realloc (names, (cap * 2 + 1) * sizeof (char *));
              if (bigger == NULL)
                die (1, "out of memory");
              names = bigger;
              cap *= 2;
            }
          names[n++] = strdup (de->d_name);
        }
      if (d != NULL)
        closedir (d);
    }
  names[n] = NULL;
  return names;
}

static void
report_interfaces (struct json *j)
{
  char **names = interface_names ();
  /* Interface ioctls work on a socket of any family; AF_UNIX is the
     fallback for containers whose seccomp profile or netns forbids AF_INET.
     The socket's namespace is ours, so the flags are the container's. */
  int sock = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  if (sock < 0)
    sock = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  json_array_begin (j, "interfaces");
  for (char **name = names; *name != NULL; name++)
    {
      struct ifreq ifr;

      json_object_begin (j, NULL);
      json_string (j, "name", *name);
      memset (&ifr, 0, sizeof ifr);
      snprintf (ifr.ifr_name, sizeof ifr.ifr_name, "%s", *name);
      if (sock >= 0 && ioctl (sock, SIOCGIFFLAGS, &ifr) == 0)
        {
          json_bool (j, "up", (ifr.ifr_flags & IFF_UP) != 0);
          json_int (j, "flags", (unsigned short) ifr.ifr_flags);
        }
      else
        {
          json_null (j, "up");
          json_null (j, "flags");
        }
      if (sock >= 0 && ioctl (sock, SIOCGIFMTU, &ifr) == 0)
        json_int (j, "mtu", ifr.ifr_mtu);
      else
        json_null (j, "mtu");
      ifr.ifr_addr.sa_family = AF_INET;
      if (sock >= 0 && ioctl (sock, SIOCGIFADDR, &ifr) == 0)
        {
          char addr[INET_ADDRSTRLEN];
          struct sockaddr_in sin;

          memcpy (&sin, &ifr.ifr_addr, sizeof sin);
          json_string (j, "ipv4", inet_ntop (AF_INET, &sin.sin_addr, addr, sizeof addr));
        }
      else
        json_null (j, "ipv4");
      if (sock >= 0 && ioctl (sock, SIOCGIFHWADDR, &ifr) == 0)
        {
          const unsigned char *m = (const unsigned char *) ifr.ifr_hwaddr.sa_data;
          char mac[18];

          snprintf (mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
          json_string (j, "mac", mac);
        }
      else
        json_null (j, "mac");
      json_object_end (j);
      free (*name);
    }
  json_array_end (j);
  free (names);
  if (sock >= 0)
    close (sock);
}

/* ---- process environment -------------------------------------------- */

static void
report_env (struct json *j)
{
  json_array_begin (j, "env");
  for (char **e = environ; e != NULL && *e != NULL; e++)
    json_string (j, NULL, *e);
  json_array_end (j);
}

static void
report_oom_score_adj (struct json *j)
{
  char *text = read_file ("/proc/self/oom_score_adj", NULL);
  long long v;

  if (text != NULL)
    text[strcspn (text, "\n")] = '\0';
  if (text != NULL && parse_ll (text, &v))
    json_int (j, "oomScoreAdj", v);
  else
    json_null (j, "oomScoreAdj");
  free (text);
}

static void
report_tty (struct json *j)
{
  json_array_begin (j, "isatty");
  for (int fd = 0; fd < 3; fd++)
    json_bool (j, NULL, isatty (fd) == 1);
  json_array_end (j);
  json_string (j, "tty", ttyname (0));
}

/* ---- checks asked for on the command line ---------------------------- */

/* A masked path is one whose contents cannot be seen: runtimes bind
   /dev/null over files and mount an empty read-only tmpfs over
   directories. So: a file is masked when a read yields nothing or fails, a
   directory when it lists nothing or cannot be listed. */
static void
check_masked (struct json *j, const char *path)
{
  struct stat st;

  json_object_begin (j, path);
  if (stat (path, &st) < 0)
    {
      int err = errno;

      json_bool (j, "exists", false);
      json_bool (j, "masked", true);
      json_errno (j, err);
      json_object_end (j);
      return;
    }
  json_bool (j, "exists", true);
  if (S_ISDIR (st.st_mode))
    {
      DIR *d = opendir (path);
      struct dirent *de;
      long long entries = 0;
      int err = d == NULL ? errno : 0;

      while (d != NULL && (de = readdir (d)) != NULL)
        if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
          entries++;
      if (d != NULL)
        closedir (d);
      json_string (j, "type", "directory");
      json_bool (j, "masked", d == NULL || entries == 0);
      json_int (j, "entries", entries);
      json_errno (j, err);
    }
  else
    {
      char buf[4096];
      ssize_t n = -1;
      int err;
      /* O_NONBLOCK: a device or a file like /proc/kmsg must not hang the
         probe. */
      int fd = open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

      if (fd >= 0)
        {
          do
            n = read (fd, buf, sizeof buf);
          while (n < 0 && errno == EINTR);
        }
      err = n < 0 ? errno : 0;
      if (fd >= 0)
        close (fd);
      json_string (j, "type", S_ISREG (st.st_mode) ? "file" : S_ISCHR (st.st_mode) ? "char" : "other");
      json_bool (j, "masked", n <= 0);
      json_int (j, "bytes", n < 0 ? 0 : n);
      json_errno (j, err);
    }
  json_object_end (j);
}

/* Whether writing to path fails with EROFS. The write is utimensat()
   setting the times the file already has: the kernel asks the mount for
   write access before it checks permissions, so the answer is EROFS on a
   read-only mount whoever asks, and on a writable one nothing changes but
   the ctime. Opening for writing would not do: permission checks come
   first (EACCES for a user who could not write anyway), and procfs refuses
   to create entries in /proc/sys with ENOENT before the mount flag is
   looked at. */
static void
check_readonly (struct json *j, const char *path)
{
  struct stat st;
  struct statvfs vfs;
  int err = 0;

  json_object_begin (j, path);
  if (stat (path, &st) < 0)
    {
      err = errno;
      json_bool (j, "exists", false);
      json_bool (j, "readonly", false);
      json_null (j, "mountReadonly");
      json_errno (j, err);
      json_object_end (j);
      return;
    }
  json_bool (j, "exists", true);
  {
    struct timespec times[2] = { st.st_atim, st.st_mtim };

    if (utimensat (AT_FDCWD, path, times, 0) < 0)
      err = errno;
  }
  json_bool (j, "readonly", err == EROFS);
  if (statvfs (path, &vfs) == 0)
    json_bool (j, "mountReadonly", (vfs.f_flag & ST_RDONLY) != 0);
  else
    json_null (j, "mountReadonly");
  json_errno (j, err);
  json_object_end (j);
}

/* net.ipv4.ip_forward -> /proc/sys/net/ipv4/ip_forward; the value without
   its trailing newline, or null when it cannot be read. */
static void
check_sysctl (struct json *j, const char *key)
{
  char path[PATH_MAX];
  char *value;
  int n;

  if (key[0] == '/')
    n = snprintf (path, sizeof path, "%s", key);
  else
    n = snprintf (path, sizeof path, "/proc/sys/%s", key);
  if (n < 0 || (size_t) n >= sizeof path)
    {
      json_null (j, key);
      return;
    }
  if (key[0] != '/')
    for (char *p = path + strlen ("/proc/sys/"); *p; p++)
      if (*p == '.')
        *p = '/';
  value = read_file (path, NULL);
  if (value != NULL)
    {
      size_t len = strlen (value);
      while (len > 0 && value[len - 1] == '\n')
        value[--len] = '\0';
    }
  json_string (j, key, value);
  free (value);
}

static void
run_checks (struct json *j, const char *key, const char **lists, int n,
            void (*check) (struct json *, const char *))
{
  json_object_begin (j, key);
  for (int i = 0; i < n; i++)
    {
      char **items = split_list (lists[i]);
      for (char **item = items; *item != NULL; item++)
        check (j, *item);
      free (items);
    }
  json_object_end (j);
}

/* ---- entry point ----------------------------------------------------- */

static void
parse_options (int argc, char **argv, struct report_options *o)
{
  for (int k = 0; k < N_OPTS; k++)
    {
      o->n[k] = 0;
      o->lists[k] = calloc ((size_t) argc + 1, sizeof (char *));
      if (o->lists[k] == NULL)
        die (1, "out of memory");
    }

  for (int i = 0; i < argc; i++)
    {
      const char *value = NULL;
      int found = -1;

      /* Both "--sysctl a,b" and "--sysctl=a,b". */
      for (int k = 0; k < N_OPTS && found < 0; k++)
        {
          size_t len = strlen (option_names[k]);

          if (strcmp (argv[i], option_names[k]) == 0)
            {
              if (i + 1 >= argc)
                die (PROBE_EXIT_USAGE, "report: %s needs a value", option_names[k]);
              value = argv[++i];
              found = k;
            }
          else if (strncmp (argv[i], option_names[k], len) == 0 && argv[i][len] == '=')
            {
              value = argv[i] + len + 1;
              found = k;
            }
        }
      if (found < 0)
        die (PROBE_EXIT_USAGE, "report: unknown option %s", argv[i]);
      o->lists[found][o->n[found]++] = value;
    }
}

int
cmd_report (int argc, char **argv)
{
  struct report_options o;
  struct json j;
  bool ok;

  parse_options (argc, argv, &o);
  json_init (&j, stdout);
  json_object_begin (&j, NULL);
  report_identity (&j);
  report_uts (&j);
  report_cwd (&j);
  report_status (&j);
  report_rlimits (&j);
  report_personality (&j);
  report_namespaces (&j);
  report_lines (&j, "cgroup", "/proc/self/cgroup");
  report_mounts (&j);
  report_root_readonly (&j);
  report_interfaces (&j);
  report_env (&j);
  report_oom_score_adj (&j);
  report_tty (&j);
  run_checks (&j, "masked", o.lists[OPT_MASKED], o.n[OPT_MASKED], check_masked);
  run_checks (&j, "readonly", o.lists[OPT_READONLY], o.n[OPT_READONLY], check_readonly);
  run_checks (&j, "sysctl", o.lists[OPT_SYSCTL], o.n[OPT_SYSCTL], check_sysctl);
  json_object_end (&j);
  ok = json_finish (&j);
  for (int k = 0; k < N_OPTS; k++)
    free (o.lists[k]);
  return ok ? 0 : 1;
}
