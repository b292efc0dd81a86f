//! The example plugin (spec/example-plugin.md) as a WebAssembly guest of
//! spec/wasm.md, std-only, for wasm32-unknown-unknown:
//!
//!	rustc --edition 2021 --crate-type cdylib --target wasm32-unknown-unknown \
//!	      -C opt-level=2 -C strip=symbols src/lib.rs
//!
//! The logic is src/core.rs; this file is only the ABI: pointers and
//! lengths in, result words out, failures through interop.fail and waits
//! through interop.sleep. It imports nothing else.

#[path = "core.rs"]
mod plugin;

use plugin::{Plugin, Reply};
use std::alloc::{self, Layout};

#[link(wasm_import_module = "interop")]
extern "C" {
    /// Fails the current call with a UTF-8 message.
    #[link_name = "fail"]
    fn host_fail(ptr: *const u8, len: i32);
    /// Waits ms milliseconds; 1 when the call was cancelled.
    #[link_name = "sleep"]
    fn host_sleep(ms: i32) -> i32;
}

/// The plugin's state. wasm32-unknown-unknown is single-threaded and an
/// instance runs one call at a time, so nothing else touches it.
static mut PLUGIN: Plugin = Plugin::new();

fn plugin() -> &'static mut Plugin {
    // SAFETY: single-threaded, and no call of the ABI re-enters another.
    unsafe { &mut *std::ptr::addr_of_mut!(PLUGIN) }
}

/// A pointer that alloc gives for zero bytes: aligned, never dereferenced,
/// and not 0 (which would tell the host that allocation failed).
const EMPTY: usize = 1;

/// Allocates size bytes for the host; 0 when memory is exhausted.
#[no_mangle]
pub extern "C" fn alloc(size: i32) -> i32 {
    if size < 0 {
        return 0;
    }
    if size == 0 {
        return EMPTY as i32;
    }
    match Layout::from_size_align(size as usize, 1) {
        // SAFETY: the layout has a non-zero size.
        Ok(layout) => unsafe { alloc::alloc(layout) as usize as i32 },
        Err(_) => 0,
    }
}

/// Frees what alloc returned, or a result buffer of len bytes: both are
/// allocations of size bytes with alignment 1.
#[no_mangle]
pub extern "C" fn dealloc(ptr: i32, size: i32) {
    if ptr == 0 || size <= 0 {
        return;
    }
    if let Ok(layout) = Layout::from_size_align(size as usize, 1) {
        // SAFETY: the host returns each buffer once, with the size it had.
        unsafe { alloc::dealloc(ptr as usize as *mut u8, layout) }
    }
}

/// The bytes of an input; a length of 0 is never read.
fn input<'a>(ptr: i32, len: i32) -> &'a [u8] {
    if len <= 0 || ptr == 0 {
        return &[];
    }
    // SAFETY: the host wrote len bytes at ptr and keeps them for the call.
    unsafe { std::slice::from_raw_parts(ptr as usize as *const u8, len as usize) }
}

/// A name: a plain string, read with invalid UTF-8 replaced.
fn name<'a>(ptr: i32, len: i32) -> std::borrow::Cow<'a, str> {
    String::from_utf8_lossy(input(ptr, len))
}

fn fail(msg: &str) {
    // SAFETY: msg is valid for the call; the host copies it out.
    unsafe { host_fail(msg.as_ptr(), msg.len() as i32) }
}

/// Hands a text to the host as a result word: a boxed slice of exactly
/// len bytes, which dealloc(ptr, len) frees.
fn result(text: String) -> i64 {
    if text.is_empty() {
        return 0;
    }
    let len = text.len();
    let ptr = Box::into_raw(text.into_bytes().into_boxed_slice()) as *mut u8 as usize;
    ((ptr as u64) << 32 | len as u64) as i64
}

fn reply(r: Reply) -> i64 {
    match r {
        Reply::Json(text) => result(text),
        Reply::Nothing => 0,
        Reply::Fail(msg) => {
            fail(&msg);
            0
        }
    }
}

fn verdict(r: Result<bool, String>) -> i32 {
    match r {
        Ok(b) => b as i32,
        Err(msg) => {
            fail(&msg);
            0
        }
    }
}

#[no_mangle]
pub extern "C" fn get_manifest() -> i64 {
    result(plugin().manifest().to_string())
}

#[no_mangle]
pub extern "C" fn init(ptr: i32, len: i32) {
    if let Err(msg) = plugin().init(input(ptr, len)) {
        fail(&msg);
    }
}

#[no_mangle]
pub extern "C" fn validate_action(np: i32, nl: i32, mp: i32, ml: i32, sp: i32, sl: i32) -> i32 {
    verdict(plugin().validate_action(&name(np, nl), input(mp, ml), input(sp, sl)))
}

#[no_mangle]
pub extern "C" fn invoke_action(np: i32, nl: i32, mp: i32, ml: i32, sp: i32, sl: i32, op: i32, ol: i32) -> i64 {
    let mut sleep = |ms: u32| -> bool {
        // SAFETY: a plain host call.
        unsafe { host_sleep(ms as i32) != 0 }
    };
    reply(plugin().invoke_action(&name(np, nl), input(mp, ml), input(sp, sl), input(op, ol), &mut sleep))
}

#[no_mangle]
pub extern "C" fn get_provider(np: i32, nl: i32, mp: i32, ml: i32, sp: i32, sl: i32) -> i64 {
    reply(plugin().get_provider(&name(np, nl), input(mp, ml), input(sp, sl)))
}

#[no_mangle]
pub extern "C" fn validate_evaluator(np: i32, nl: i32, mp: i32, ml: i32, sp: i32, sl: i32) -> i32 {
    verdict(plugin().validate_evaluator(&name(np, nl), input(mp, ml), input(sp, sl)))
}

#[no_mangle]
pub extern "C" fn invoke_evaluator(np: i32, nl: i32, mp: i32, ml: i32, sp: i32, sl: i32) -> i64 {
    reply(plugin().invoke_evaluator(&name(np, nl), input(mp, ml), input(sp, sl)))
}
