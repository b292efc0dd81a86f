/* Hostile plugin libraries for bridge/ffi's tests, one per -D option,
 * compiled with gcc at test time. Each exports the C ABI of spec/ffi.md
 * and misbehaves in elizaos_invoke_action. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long returned, freed, plugin_inits;

void elizaos_plugin_init(void) { plugin_inits++; }

static char *give(const char *s) {
	returned++;
	return strdup(s);
}

char *elizaos_get_manifest(void) { return give("{\"name\":\"hostile\",\"description\":\"misbehaves\"}"); }

int elizaos_validate_action(const char *name, const char *memory, const char *state) {
	(void)name; (void)memory; (void)state;
	return 1;
}

char *elizaos_invoke_action(const char *name, const char *memory, const char *state, const char *options) {
	(void)name; (void)memory; (void)state; (void)options;
#if defined(HOSTILE_SEGV)
	*(volatile int *)0 = 1;
#elif defined(HOSTILE_ABORT)
	abort();
#elif defined(HOSTILE_LOOP)
	for (;;) pause();
#elif defined(HOSTILE_NULL)
	return NULL;
#elif defined(HOSTILE_BADUTF8)
	return give("\xff\xfe{}");
#elif defined(HOSTILE_HUGE)
	size_t n = 2000000;
	char *s = malloc(n + 1);
	memset(s, 'a', n);
	s[n] = 0;
	returned++;
	return s;
#elif defined(HOSTILE_NOTJSON)
	return give("{\"success\": tru");
#endif
	return give("{\"success\":true}");
}

#ifndef HOSTILE_NOFREE
void elizaos_free_string(char *p) {
	if (p) {
		freed++;
		free(p);
	}
}
#endif

/* What the loader took and gave back, for the ownership test. */
long hostile_returned(void) { return returned; }
long hostile_freed(void) { return freed; }
long hostile_plugin_inits(void) { return plugin_inits; }
