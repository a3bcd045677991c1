/* The probe's subcommands; probe.c dispatches on argv[1] to one of them.
   Each gets the arguments after the subcommand name and returns the exit
   code. */
#ifndef BERTH_PROBE_PROBE_H
#define BERTH_PROBE_PROBE_H

int cmd_report (int argc, char **argv);
int cmd_syscall (int argc, char **argv);
int cmd_memhog (int argc, char **argv);
int cmd_forkbomb (int argc, char **argv);

#endif
