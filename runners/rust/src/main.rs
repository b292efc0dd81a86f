//! `interop-peer`: the Rust peer of the parity gate (spec/runner-protocol.md).
//!
//! It wraps the real `elizaos` crate from crates.io (pinned in Cargo.lock) and never re-implements it: every
//! answer comes from an upstream call (`types::primitives::string_to_uuid`, `settings::encrypt_string_value`,
//! `decrypt_string_value`, `migrate_encrypted_string_value`, `get_salt`). This file only adapts the vectors'
//! inputs to those calls and reports what they returned — raw: a seal's string, a fail-open decrypt's own
//! input — or raised; the gate judges (spec/runner-protocol.md, "What a peer reports"). It never grades an
//! answer itself.
//!
//! `envelope.detect` is observed through the public seal (`settings::looks_encrypted` is private): a value
//! `encrypt_string_value` returns unchanged is one the crate treats as an envelope. Not declared, because the
//! crate has no such function: `ids.create_unique_uuid`.
//! `serialize.roundtrip` runs the crate's serde types (`Memory`, `Content`, `ActionResult`, `ProviderResult`)
//! through `serde_json`; `State` and `PluginManifest` have no serde implementation in the crate (they are
//! prost-generated), so their cases are skipped.
//!
//! Errors, by a fixed mapping (never from what a case expects):
//! - `get_salt`'s panic whose payload starts with "SECRET_SALT must be set to a non-default value in
//!   production" → `{"error": "default_salt_in_production"}`; any other panic of it → `{"raised": "panic"}`.
//! - a `serde_json::Error` from reading or writing a serde type → `{"raised": "serde_json::Error"}`, with
//!   its category (`Syntax`, `Data`, `Eof`) as the message: no category is exactly one spec kind.
//! - a panic in any other upstream call (each runs under `catch_unwind` in `upstream`) → `{"raised":
//!   "panic"}`; a panic in the peer's own code, caught in `main` → `{"fault": …}`.
//! - input not of the suite's shape, an unknown suite, op or kind → `{"fault": …}`.
//!
//! The envelope functions and `string_to_uuid` return plain values (no `Result`), so their answers are
//! always outputs. Messages never hold an input value, salt, plaintext or payload of a panic.

mod jcs;

use std::io::{self, BufRead, Write};
use std::panic::{self, AssertUnwindSafe};

use elizaos::settings::{
    decrypt_string_value, encrypt_string_value, get_salt, migrate_encrypted_string_value,
};
use elizaos::types::primitives::string_to_uuid;
use serde_json::{json, Map, Value};

const SUITES: &[&str] = &[
    "ids.string_to_uuid",
    "envelope.detect",
    "envelope.open_v2",
    "envelope.open_v1",
    "envelope.malformed",
    "envelope.migrate",
    "envelope.roundtrip",
    "salt.policy",
    "serialize.roundtrip",
];
const OPS: &[&str] = &["envelope.seal", "envelope.open"];

/// The variables `salt.policy` controls; they are unset before each case.
const SALT_VARS: &[&str] = &["SECRET_SALT", "NODE_ENV", "ELIZA_ALLOW_DEFAULT_SECRET_SALT"];

/// The start of the message upstream `get_salt` panics with for the default salt in production.
const PRODUCTION_PANIC: &str = "SECRET_SALT must be set to a non-default value in production";

/// The outcome of one case, before it becomes a `result` line.
enum Outcome {
    /// What upstream returned.
    Output(Value),
    /// An upstream error mapped to a spec error kind by its type.
    Error(&'static str, String),
    /// An upstream error with no spec kind: its type name, and a message without input values.
    Raised(&'static str, String),
    /// The peer's own code failed (input not of the suite's shape, unsupported suite or op).
    Fault(String),
    Skip(String),
}

fn fault(message: impl Into<String>) -> Outcome {
    Outcome::Fault(message.into())
}

/// Runs one call into upstream under `catch_unwind`. A panic inside it is upstream's, reported as
/// `{"raised": "panic"}` (the payload is not read: it may quote an input); the panic hook has printed only
/// its location. Only upstream calls go through here, so a panic caught in `main` is the wrapper's own.
fn upstream<T>(call: impl FnOnce() -> T) -> Result<T, Outcome> {
    panic::catch_unwind(AssertUnwindSafe(call)).map_err(|_| {
        Outcome::Raised(
            "panic",
            "upstream panicked (caught with catch_unwind)".into(),
        )
    })
}

/// The salt `envelope.detect` seals with: any salt will do, only whether the value comes back matters.
const DETECT_SALT: &str = "detect-probe-salt";

fn main() {
    // Upstream panics (get_salt in production) are caught per request. The default hook would print the
    // panic payload to stderr; print only where it happened, so that no input value can reach stderr.
    panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| {
                // The registry path up to the crate directory says nothing useful.
                let file = l.file();
                let short = file.find("elizaos-").map_or(file, |i| &file[i..]);
                format!("{short}:{}", l.line())
            })
            .unwrap_or_else(|| "unknown location".into());
        eprintln!("interop-peer: caught a panic at {at}");
    }));

    let stdout = io::stdout();
    let mut out = stdout.lock();
    send(
        &mut out,
        &json!({
            "type": "hello",
            "protocol": 1,
            "peer": {
                "name": "rust",
                "language": "rust",
                "implementation": "elizaos (crates.io)",
                "version": elizaos::VERSION,
            },
            "suites": SUITES,
            "ops": OPS,
        }),
    );

    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => break, // EOF
            Ok(_) => {}
            Err(e) => {
                eprintln!("interop-peer: reading stdin: {}", e.kind());
                break;
            }
        }
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let msg: Value = match serde_json::from_slice(&line) {
            Ok(v) => v,
            Err(e) => {
                eprintln!(
                    "interop-peer: ignoring a line that is not JSON ({:?} error)",
                    e.classify()
                );
                continue;
            }
        };
        match msg.get("type").and_then(Value::as_str) {
            Some("bye") => break,
            Some("run") => {
                let id = msg.get("id").cloned().unwrap_or(Value::Null);
                // Every upstream call runs under its own catch_unwind (`upstream`), so a panic that gets
                // this far happened in the peer's own code: a wrapper bug, reported as a fault.
                let outcome =
                    panic::catch_unwind(AssertUnwindSafe(|| run(&msg))).unwrap_or_else(|_| {
                        fault("the peer's own code panicked (a bug in the wrapper)")
                    });
                let mut reply = Map::new();
                reply.insert("type".into(), "result".into());
                reply.insert("id".into(), id);
                match outcome {
                    Outcome::Output(v) => {
                        reply.insert("output".into(), v);
                    }
                    Outcome::Error(kind, message) => {
                        reply.insert("error".into(), kind.into());
                        reply.insert("message".into(), message.into());
                    }
                    Outcome::Raised(ty, message) => {
                        reply.insert("raised".into(), ty.into());
                        reply.insert("message".into(), message.into());
                    }
                    Outcome::Fault(what) => {
                        reply.insert("fault".into(), what.into());
                    }
                    Outcome::Skip(reason) => {
                        reply.insert("skip".into(), reason.into());
                    }
                }
                send(&mut out, &Value::Object(reply));
            }
            _ => eprintln!("interop-peer: ignoring a message of unknown type"),
        }
    }
}

fn send(out: &mut impl Write, msg: &Value) {
    let mut text = serde_json::to_string(msg).expect("a JSON value serializes");
    text.push('\n');
    if out
        .write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .is_err()
    {
        // The runner is gone: nothing left to do.
        std::process::exit(0);
    }
}

fn run(msg: &Value) -> Outcome {
    let empty = Value::Object(Map::new());
    let input = msg.get("input").unwrap_or(&empty);
    if let Some(op) = msg.get("op").and_then(Value::as_str) {
        return match op {
            "envelope.seal" => seal(input),
            "envelope.open" => open(input),
            _ => fault("unknown op"),
        };
    }
    match msg.get("suite").and_then(Value::as_str) {
        Some("ids.string_to_uuid") => ids_string_to_uuid(input),
        Some("envelope.detect") => detect(input),
        Some("envelope.open_v2") | Some("envelope.open_v1") | Some("envelope.malformed") => {
            open(input)
        }
        Some("envelope.migrate") => migrate(input),
        Some("envelope.roundtrip") => seal(input),
        Some("salt.policy") => salt_policy(input),
        Some("serialize.roundtrip") => serialize_roundtrip(input),
        Some(_) => fault("suite not supported by this peer"),
        None => fault("run without suite or op"),
    }
}

fn str_field<'a>(input: &'a Value, name: &str) -> Result<&'a str, Outcome> {
    input
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| fault(format!("input.{name} is not a string")))
}

// ---------------------------------------------------------------------------------------------------------
// ids.string_to_uuid: `pub fn string_to_uuid<T: ToString>(target: T) -> Uuid`, called with the closest
// native Rust value of each input kind.

/// The native Rust value a caller would pass for each input kind.
enum UuidArg {
    Str(String),
    I64(i64),
    U64(u64),
    I128(i128),
    U128(u128),
    F64(f64),
    Bool(bool),
}

fn ids_string_to_uuid(input: &Value) -> Outcome {
    let arg = match uuid_arg(input) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let uuid = upstream(|| match arg {
        UuidArg::Str(s) => string_to_uuid(s.as_str()),
        UuidArg::I64(n) => string_to_uuid(n),
        UuidArg::U64(n) => string_to_uuid(n),
        UuidArg::I128(n) => string_to_uuid(n),
        UuidArg::U128(n) => string_to_uuid(n),
        UuidArg::F64(f) => string_to_uuid(f),
        UuidArg::Bool(b) => string_to_uuid(b),
    });
    match uuid {
        Ok(u) => Outcome::Output(Value::String(u.into_string())),
        Err(o) => o,
    }
}

fn uuid_arg(input: &Value) -> Result<UuidArg, Outcome> {
    let kind = input.get("kind").and_then(Value::as_str).unwrap_or("");
    Ok(match kind {
        "string" => UuidArg::Str(str_field(input, "value")?.to_owned()),
        "bytes" => {
            let bytes = decode_hex(str_field(input, "hex")?)
                .ok_or_else(|| fault("input.hex is not hex"))?;
            match String::from_utf8(bytes) {
                Ok(s) => UuidArg::Str(s),
                Err(_) => return Err(Outcome::Skip("invalid UTF-8 cannot be a Rust str".into())),
            }
        }
        "utf16" => {
            let units = decode_utf16_hex(str_field(input, "hex")?)
                .ok_or_else(|| fault("input.hex is not a sequence of 4-digit UTF-16 units"))?;
            match String::from_utf16(&units) {
                Ok(s) => UuidArg::Str(s),
                Err(_) => {
                    return Err(Outcome::Skip(
                        "a Rust str cannot hold a lone surrogate".into(),
                    ))
                }
            }
        }
        "integer" => {
            let text = str_field(input, "value")?;
            if !is_integer_literal(text) {
                return Err(fault("input.value is not a base-10 integer literal"));
            }
            // The narrowest native integer type that holds the value, as a Rust caller would pass it.
            if let Ok(n) = text.parse::<i64>() {
                UuidArg::I64(n)
            } else if let Ok(n) = text.parse::<u64>() {
                UuidArg::U64(n)
            } else if let Ok(n) = text.parse::<i128>() {
                UuidArg::I128(n)
            } else if let Ok(n) = text.parse::<u128>() {
                UuidArg::U128(n)
            } else {
                return Err(Outcome::Skip(
                    "integer does not fit any Rust integer type (u128)".into(),
                ));
            }
        }
        "float" => match parse_js_float(str_field(input, "value")?) {
            Some(f) => UuidArg::F64(f),
            None => return Err(fault("input.value is not a JavaScript number literal")),
        },
        "boolean" => match input.get("value").and_then(Value::as_bool) {
            Some(b) => UuidArg::Bool(b),
            None => return Err(fault("input.value is not a boolean")),
        },
        "null" => {
            return Err(Outcome::Skip(
                "no null in Rust: string_to_uuid takes T: ToString".into(),
            ))
        }
        _ => return Err(fault("unknown input kind")),
    })
}

fn hex_nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    b.chunks(2)
        .map(|p| Some(hex_nibble(p[0])? << 4 | hex_nibble(p[1])?))
        .collect()
}

fn decode_utf16_hex(s: &str) -> Option<Vec<u16>> {
    let bytes = decode_hex(s)?;
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    Some(
        bytes
            .chunks(2)
            .map(|p| u16::from_be_bytes([p[0], p[1]]))
            .collect(),
    )
}

/// `-?(0|[1-9][0-9]*)`: the vectors' integer syntax.
fn is_integer_literal(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
}

/// A JavaScript number literal (`1.5`, `1e+21`, `-0`, `NaN`, `Infinity`, `-Infinity`) as an f64.
fn parse_js_float(s: &str) -> Option<f64> {
    match s {
        "NaN" => return Some(f64::NAN),
        "Infinity" => return Some(f64::INFINITY),
        "-Infinity" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    // Rust's parser also takes "inf", "nan", "infinity" in any case; JavaScript's spellings are handled above,
    // so only digits, sign, point and exponent are let through here.
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    s.parse::<f64>().ok()
}

// ---------------------------------------------------------------------------------------------------------
// Envelopes: `settings::{encrypt_string_value, decrypt_string_value, migrate_encrypted_string_value}`,
// all `(value: &str, salt: &str) -> String`, fail-open (a failure returns the input unchanged).

fn salt_and(input: &Value, field: &str) -> Result<(String, String), Outcome> {
    Ok((
        str_field(input, "salt")?.to_owned(),
        str_field(input, field)?.to_owned(),
    ))
}

/// The string upstream returned, as the output; its panic as `raised`.
fn returned(result: Result<String, Outcome>) -> Outcome {
    match result {
        Ok(s) => Outcome::Output(Value::String(s)),
        Err(o) => o,
    }
}

/// Suites `envelope.open_v1`, `envelope.open_v2`, `envelope.malformed` and op `envelope.open`: what
/// `decrypt_string_value(value, salt)` returned, its own input included (fail-open).
fn open(input: &Value) -> Outcome {
    match salt_and(input, "value") {
        Ok((salt, value)) => returned(upstream(|| decrypt_string_value(&value, &salt))),
        Err(e) => e,
    }
}

/// Suite `envelope.roundtrip` and op `envelope.seal`: what `encrypt_string_value(plaintext, salt)` returned,
/// raw, whatever it is (the plaintext itself when the crate takes it for an envelope). The gate opens it.
fn seal(input: &Value) -> Outcome {
    match salt_and(input, "plaintext") {
        Ok((salt, plaintext)) => returned(upstream(|| encrypt_string_value(&plaintext, &salt))),
        Err(e) => e,
    }
}

/// Suite `envelope.migrate`: what `migrate_encrypted_string_value(value, salt)` returned, raw.
fn migrate(input: &Value) -> Outcome {
    match salt_and(input, "value") {
        Ok((salt, value)) => returned(upstream(|| migrate_encrypted_string_value(&value, &salt))),
        Err(e) => e,
    }
}

/// Suite `envelope.detect`, observed through the public seal (spec/runner-protocol.md, "What a peer
/// reports"; the crate's `looks_encrypted` is private): `encrypt_string_value(value, "detect-probe-salt")`
/// returning `value` unchanged means the crate treats it as an envelope, `"v2"` when it has exactly three
/// colons, else `"v1"`; anything else it returns is `"none"`.
fn detect(input: &Value) -> Outcome {
    let value = match str_field(input, "value") {
        Ok(v) => v,
        Err(e) => return e,
    };
    let sealed = match upstream(|| encrypt_string_value(value, DETECT_SALT)) {
        Ok(s) => s,
        Err(o) => return o,
    };
    if sealed != value {
        return Outcome::Output("none".into());
    }
    let colons = value.bytes().filter(|&b| b == b':').count();
    Outcome::Output(if colons == 3 { "v2" } else { "v1" }.into())
}

// ---------------------------------------------------------------------------------------------------------
// salt.policy: `settings::get_salt() -> String`, which reads the process environment and panics for the
// default salt in production.

fn salt_policy(input: &Value) -> Outcome {
    let env = match input.get("env").and_then(Value::as_object) {
        Some(e) => e,
        None => return fault("input.env is not an object"),
    };
    let mut vars: Vec<(&str, &str)> = Vec::new();
    for (name, value) in env {
        match value.as_str() {
            Some(v) => vars.push((name.as_str(), v)),
            None => return fault("an environment value is not a string"),
        }
    }
    // std::env::set_var panics on a name or value it cannot put in the environment (NUL, '=' in a name).
    if vars
        .iter()
        .any(|(n, v)| n.is_empty() || n.contains(['=', '\0']) || v.contains('\0'))
    {
        return Outcome::Skip(
            "a variable cannot be set in a process environment (NUL or '=')".into(),
        );
    }
    for name in SALT_VARS {
        std::env::remove_var(name);
    }
    for (name, value) in &vars {
        std::env::set_var(name, value);
    }
    // The one upstream call whose panic is mapped: its payload says which refusal it is (a panic has no
    // type to map by), and the production refusal is the spec's `default_salt_in_production`.
    let result = panic::catch_unwind(get_salt);
    for (name, _) in &vars {
        std::env::remove_var(name);
    }
    match result {
        Ok(salt) => {
            // get_salt returns only the salt; "default" is spec/salt.md's definition (the salt in force
            // equals the default salt), applied to what it returned.
            let default = salt == "secretsalt";
            Outcome::Output(json!({"salt": salt, "default": default}))
        }
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("");
            if message.starts_with(PRODUCTION_PANIC) {
                Outcome::Error(
                    "default_salt_in_production",
                    "get_salt panicked: SECRET_SALT must be set to a non-default value in production".into(),
                )
            } else {
                Outcome::Raised("panic", "get_salt panicked".into())
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// serialize.roundtrip: the crate's serde types, read with `serde_json::from_slice` and written with
// `serde_json::to_string`; the written text is then put in canonical (RFC 8785) form, which is output
// adaptation only (spec/types.md compares canonical bytes).

/// Reads `$bytes` as `$t` with serde_json and writes it back. (A macro rather than a generic function, so that the
/// peer needs no direct dependency on serde for the trait bounds.)
macro_rules! through_serde {
    ($t:ty, $bytes:expr) => {
        // serde_json's messages quote input values, so only the error's category is reported. No
        // serde_json error maps exactly to a kind of spec/types.md, so every one is `raised`, never mapped:
        // its categories mix the spec's kinds (`Syntax` covers JSON syntax, a lone surrogate escape,
        // numbers out of range and its own depth limit of 128, where the spec's is 1000; `Data` covers
        // wrong types, missing and duplicate fields), and it reads in one pass, so even an `Eof` can hide
        // an earlier problem of a lower phase (invalid UTF-8 in a string it skipped without decoding).
        match serde_json::from_slice::<$t>($bytes) {
            Err(e) => Err(Outcome::Raised(
                "serde_json::Error",
                format!("serde_json read error ({:?})", e.classify()),
            )),
            Ok(value) => serde_json::to_string(&value).map_err(|e| {
                Outcome::Raised(
                    "serde_json::Error",
                    format!("serde_json write error ({:?})", e.classify()),
                )
            }),
        }
    };
}

fn serialize_roundtrip(input: &Value) -> Outcome {
    let ty = match input.get("type").and_then(Value::as_str) {
        Some(t) => t,
        None => return fault("input.type is not a string"),
    };
    let bytes: Vec<u8> = if let Some(text) = input.get("text").and_then(Value::as_str) {
        text.as_bytes().to_vec()
    } else if let Some(hex) = input.get("hex").and_then(Value::as_str) {
        match decode_hex(hex) {
            Some(b) => b,
            None => return fault("input.hex is not hex"),
        }
    } else {
        return fault("input has neither text nor hex");
    };
    // The read and the write are upstream's (the crate's Deserialize and Serialize impls, driven by
    // serde_json as the crate itself does): a panic in them is upstream's, `raised: "panic"`.
    let written = match ty {
        "Memory" => upstream(|| through_serde!(elizaos::Memory, &bytes)),
        "Content" => upstream(|| through_serde!(elizaos::Content, &bytes)),
        "ActionResult" => upstream(|| through_serde!(elizaos::ActionResult, &bytes)),
        "ProviderResult" => upstream(|| through_serde!(elizaos::ProviderResult, &bytes)),
        "State" | "PluginManifest" => {
            return Outcome::Skip(format!(
                "elizaos 2.0.0 has no serde (JSON) implementation for {ty}: it is a prost-generated protobuf type"
            ))
        }
        _ => return fault("unknown type"),
    };
    let written = match written.and_then(|r| r) {
        Ok(w) => w,
        Err(o) => return o,
    };
    match jcs::canonicalize(&written) {
        Ok(c) => Outcome::Output(Value::String(c)),
        Err(what) => fault(format!(
            "serde_json wrote text the canonical writer cannot take: {what}"
        )),
    }
}
