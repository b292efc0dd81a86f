/*
 * elizaos_plugin.h: the C ABI of a native elizaOS plugin (a shared library
 * loaded by the FFI bridge), as upstream's loaders call it.
 *
 * Strings
 *   Every string crossing the ABI is NUL-terminated UTF-8. JSON arguments are
 *   complete JSON texts: memory_json is a Memory object, state_json a State
 *   object or "null", options_json an object ("{}" when there are none),
 *   config_json an object of strings. A NULL argument is treated as the
 *   empty name, "null" memory/state, or "{}" options/config.
 *
 * Ownership
 *   Arguments belong to the caller and are only read during the call; the
 *   plugin keeps no pointer to them. Every non-NULL `char *` a function
 *   returns was allocated by the plugin and belongs to the caller, who must
 *   release it exactly once with elizaos_free_string() (never with free():
 *   the library and the host may use different allocators). NULL is returned
 *   only when the plugin ran out of memory.
 *
 * Errors
 *   A handler that fails (raises) returns the JSON object
 *       {"error": "<message>"}
 *   with exactly one member, `error`, a string. Any other object is a
 *   result. elizaos_init reports failure with -1.
 *
 * Threads
 *   elizaos_plugin_init() must be called once before anything else (calling
 *   it again does nothing). After that every function may be called from
 *   any thread, concurrently: the plugin guards its own state (the
 *   configuration set by elizaos_init).
 */
#ifndef ELIZAOS_PLUGIN_H
#define ELIZAOS_PLUGIN_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define ELIZAOS_EXPORT __declspec(dllexport)
#else
#define ELIZAOS_EXPORT __attribute__((visibility("default")))
#endif

/* Registers and initialises the plugin; idempotent. */
ELIZAOS_EXPORT void elizaos_plugin_init(void);

/* The plugin manifest as a JSON object (free with elizaos_free_string). */
ELIZAOS_EXPORT char *elizaos_get_manifest(void);

/* plugin.init: config_json is an object of strings. Returns 0 on success,
 * -1 when the configuration is not a JSON object (or memory ran out). */
ELIZAOS_EXPORT int elizaos_init(const char *config_json);

/* Whether the action `name` applies to the message: 1 or 0. */
ELIZAOS_EXPORT int elizaos_validate_action(const char *name, const char *memory_json,
                                           const char *state_json);

/* Runs the action: an ActionResult JSON object, or {"error": "..."} when the
 * handler fails. An unknown action is a result:
 * {"success": false, "error": "Action not found: <name>"}. */
ELIZAOS_EXPORT char *elizaos_invoke_action(const char *name, const char *memory_json,
                                           const char *state_json, const char *options_json);

/* The provider's ProviderResult JSON object; "{}" for an unknown provider;
 * {"error": "..."} when it fails. */
ELIZAOS_EXPORT char *elizaos_get_provider(const char *name, const char *memory_json,
                                          const char *state_json);

/* Whether the evaluator `name` applies to the message: 1 or 0. */
ELIZAOS_EXPORT int elizaos_validate_evaluator(const char *name, const char *memory_json,
                                              const char *state_json);

/* The evaluator's ActionResult JSON object, the text "null" for an unknown
 * evaluator, or {"error": "..."} when it fails. */
ELIZAOS_EXPORT char *elizaos_invoke_evaluator(const char *name, const char *memory_json,
                                              const char *state_json);

/* Frees a string returned by this library; NULL is ignored. */
ELIZAOS_EXPORT void elizaos_free_string(char *s);

/* Test hook: the strings returned and not yet freed with
 * elizaos_free_string, for a host's leak test. */
ELIZAOS_EXPORT long interop_live_allocations(void);

#ifdef __cplusplus
}
#endif

#endif /* ELIZAOS_PLUGIN_H */
