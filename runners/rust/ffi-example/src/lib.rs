//! The interop example plugin (spec/example-plugin.md) as a native shared library with upstream's C ABI
//! (spec/ffi.md; the header is runners/c/include/elizaos_plugin.h), loaded by bridge/ffi.
//!
//! Every string returned is a `CString::into_raw` that the host frees with `elizaos_free_string`; a handler's
//! failure is the JSON object `{"error": "<message>"}`; no panic crosses the C boundary. The UUID action is the
//! real `elizaos` crate's `string_to_uuid`, so this column of the gate shows the crate's own answer.

use std::ffi::{c_char, c_int, c_long, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use elizaos::types::primitives::string_to_uuid;
use serde_json::{json, Value};

/// Strings returned and not yet freed: the host's leak check reads it.
static LIVE: AtomicI64 = AtomicI64::new(0);
/// plugin.init's GREETING.
static GREETING: Mutex<String> = Mutex::new(String::new());

const MANIFEST: &str = r#"{"name":"interop-example","description":"The interop example plugin: echo, uuid, fail, sleep, a provider and an evaluator.","version":"1.0.0","language":"rust","actions":[{"name":"ECHO","description":"Replies with the message text."},{"name":"UUID","description":"Derives a UUID from the message text with stringToUuid."},{"name":"FAIL","description":"Always fails."},{"name":"SLEEP","description":"Waits options.ms milliseconds, then replies."}],"providers":[{"name":"EXAMPLE","description":"A deterministic provider."}],"evaluators":[{"name":"EXAMPLE_EVALUATOR","description":"Evaluates messages that ask for it."}]}"#;

/// Hands s to the host; NULL if it holds a NUL byte (JSON text never does).
fn give(s: String) -> *mut c_char {
    match CString::new(s) {
        Ok(c) => {
            LIVE.fetch_add(1, Ordering::SeqCst);
            c.into_raw()
        }
        Err(_) => ptr::null_mut(),
    }
}

fn fail(msg: &str) -> *mut c_char {
    give(json!({ "error": msg }).to_string())
}

/// The text of a C string argument; None for NULL or bytes that are not UTF-8.
unsafe fn arg<'a>(p: *const c_char) -> Option<&'a str> {
    if p.is_null() {
        return None;
    }
    CStr::from_ptr(p).to_str().ok()
}

unsafe fn parse(p: *const c_char) -> Option<Value> {
    arg(p).and_then(|s| serde_json::from_str(s).ok())
}

/// memory.content.text, or "" when absent or not a string.
fn text(memory: &Value) -> String {
    memory.pointer("/content/text").and_then(Value::as_str).unwrap_or("").to_string()
}

/// Runs f, turning a panic into `on_panic` so that it never unwinds into C.
fn guard<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(on_panic)
}

#[no_mangle]
pub extern "C" fn elizaos_plugin_init() {}

#[no_mangle]
pub extern "C" fn elizaos_get_manifest() -> *mut c_char {
    give(MANIFEST.to_string())
}

/// # Safety
/// config_json is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn elizaos_init(config_json: *const c_char) -> c_int {
    guard(-1, || {
        let config = match parse(config_json) {
            Some(Value::Object(m)) => m,
            Some(Value::Null) => Default::default(),
            _ => return -1,
        };
        let greeting = config.get("GREETING").and_then(Value::as_str).unwrap_or("").to_string();
        match GREETING.lock() {
            Ok(mut g) => *g = greeting,
            Err(p) => *p.into_inner() = greeting,
        }
        0
    })
}

/// # Safety
/// Every argument is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn elizaos_validate_action(name: *const c_char, memory_json: *const c_char, _state_json: *const c_char) -> c_int {
    guard(0, || {
        let memory = parse(memory_json).unwrap_or(Value::Null);
        match arg(name) {
            Some("ECHO") => (!text(&memory).is_empty()) as c_int,
            Some("UUID") | Some("FAIL") | Some("SLEEP") => 1,
            _ => 0,
        }
    })
}

/// options.ms: a JSON number with an integer value from 0 to 10000.
fn sleep_millis(options: &Value) -> Option<u64> {
    let f = options.get("ms")?.as_f64()?;
    if f.fract() != 0.0 || !(0.0..=10000.0).contains(&f) {
        return None;
    }
    Some(f as u64)
}

/// # Safety
/// Every argument is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn elizaos_invoke_action(
    name: *const c_char,
    memory_json: *const c_char,
    _state_json: *const c_char,
    options_json: *const c_char,
) -> *mut c_char {
    guard(ptr::null_mut(), || {
        let name = match arg(name) {
            Some(n) => n,
            None => return give(json!({"success": false, "error": "Invalid action name"}).to_string()),
        };
        let memory = match parse(memory_json) {
            Some(m) => m,
            None => return fail("memory is not a JSON value"),
        };
        let t = text(&memory);
        match name {
            "ECHO" => give(json!({"success": true, "text": t, "data": {"echo": t}}).to_string()),
            "UUID" => {
                let u = string_to_uuid(t.as_str());
                give(json!({"success": true, "text": u, "data": {"uuid": u}}).to_string())
            }
            "FAIL" => fail("example failure"),
            "SLEEP" => {
                let options = parse(options_json).unwrap_or(Value::Null);
                match sleep_millis(&options) {
                    Some(ms) => {
                        std::thread::sleep(Duration::from_millis(ms));
                        give(json!({"success": true, "text": "slept"}).to_string())
                    }
                    None => fail("bad sleep"),
                }
            }
            other => give(json!({"success": false, "error": format!("Action not found: {other}")}).to_string()),
        }
    })
}

/// # Safety
/// Every argument is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn elizaos_get_provider(name: *const c_char, memory_json: *const c_char, _state_json: *const c_char) -> *mut c_char {
    guard(ptr::null_mut(), || {
        if arg(name) != Some("EXAMPLE") {
            return give("{}".to_string());
        }
        let memory = match parse(memory_json) {
            Some(m) => m,
            None => return fail("memory is not a JSON value"),
        };
        let room = memory.get("roomId").and_then(Value::as_str).unwrap_or("").to_string();
        let greeting = match GREETING.lock() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        };
        give(
            json!({"text": "example provider", "values": {"plugin": "interop-example", "greeting": greeting}, "data": {"roomId": room}})
                .to_string(),
        )
    })
}

/// # Safety
/// Every argument is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn elizaos_validate_evaluator(name: *const c_char, memory_json: *const c_char, _state_json: *const c_char) -> c_int {
    guard(0, || {
        let memory = parse(memory_json).unwrap_or(Value::Null);
        (arg(name) == Some("EXAMPLE_EVALUATOR") && text(&memory).contains("evaluate")) as c_int
    })
}

/// # Safety
/// Every argument is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn elizaos_invoke_evaluator(name: *const c_char, _memory_json: *const c_char, _state_json: *const c_char) -> *mut c_char {
    guard(ptr::null_mut(), || {
        if arg(name) != Some("EXAMPLE_EVALUATOR") {
            return give("null".to_string());
        }
        give(json!({"success": true, "text": "evaluated", "values": {"evaluated": true}}).to_string())
    })
}

/// # Safety
/// p is NULL or a string this library returned and the host has not freed.
#[no_mangle]
pub unsafe extern "C" fn elizaos_free_string(p: *mut c_char) {
    if !p.is_null() {
        drop(CString::from_raw(p));
        LIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Strings returned and not yet freed (for the host's leak test).
#[no_mangle]
pub extern "C" fn interop_live_allocations() -> c_long {
    LIVE.load(Ordering::SeqCst) as c_long
}
