#include "exit_like.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

/* Default action of signo terminates the process (so raise() reproduces it). */
static bool terminates(int signo)
{
	switch (signo) {
	case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return false;
	default:
		return signo >= 1 && signo <= SIGRTMAX;
	}
}

_Noreturn void exit_like(const struct vxn_exit *e)
{
	struct rlimit no_core = { 0, 0 };
	sigset_t set;
	int signo = e->value;

	if (e->kind != VXN_EXIT_SIGNAL)
		_exit(e->value & 0xff);
	if (terminates(signo)) {
		setrlimit(RLIMIT_CORE, &no_core);
		signal(signo, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, signo);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(signo);
	}
	_exit(128 + signo);
}
