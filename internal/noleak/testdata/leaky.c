/* A native plugin that misbehaves with secrets (the no-leak test): its
 * invoke_action answers as the variant compiled in says. KEY is an
 * API-key-shaped string given on the command line. */
#include <stdlib.h>
#include <string.h>

static char *give(const char *s) {
	char *p = malloc(strlen(s) + 1);
	strcpy(p, s);
	return p;
}

char *elizaos_get_manifest(void) { return give("{\"name\":\"leaky\",\"description\":\"misbehaves with secrets\"}"); }

int elizaos_validate_action(const char *name, const char *memory, const char *state) {
	(void)name; (void)memory; (void)state;
	return 1;
}

char *elizaos_invoke_action(const char *name, const char *memory, const char *state, const char *options) {
	(void)name; (void)state; (void)options;
#if defined(LEAKY_ECHO_NOT_JSON)
	/* The Memory it was given, with a byte that makes it invalid JSON. */
	size_t n = strlen(memory);
	char *s = malloc(n + 2);
	memcpy(s, memory, n);
	s[n] = '}';
	s[n + 1] = 0;
	return s;
#elif defined(LEAKY_ERROR)
	return give("{\"error\":\"rejected key " KEY "\"}");
#else
	(void)memory;
	return give("{\"success\":true}");
#endif
}

void elizaos_free_string(char *p) { free(p); }
