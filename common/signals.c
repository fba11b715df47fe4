#include "signals.h"

#include <stddef.h>

static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGTERM,
				 SIGALRM, SIGCONT, SIGWINCH, SIGPWR };

void forwarded_signals_add(sigset_t *set)
{
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(set, forwarded[i]);
}
