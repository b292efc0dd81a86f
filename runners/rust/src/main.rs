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
                // A panic is reported as raised, never as an answer: the gate fails it unless listed.
                let outcome =
                    panic::catch_unwind(AssertUnwindSafe(|| run(&msg))).unwrap_or_else(|_| {
                        Outcome::Raised(
                            "panic",
                            "a panic in upstream or the wrapper, caught".into(),
                        )
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
            "envelope.seal" => op_seal(input),
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
        Some("envelope.roundtrip") => roundtrip(input),
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

fn ids_string_to_uuid(input: &Value) -> Outcome {
    let kind = input.get("kind").and_then(Value::as_str).unwrap_or("");
    let uuid = match kind {
        "string" => match input.get("value").and_then(Value::as_str) {
            Some(s) => string_to_uuid(s),
            None => return fault("input.value is not a string"),
        },
        "bytes" => {
            let bytes = match input
                .get("hex")
                .and_then(Value::as_str)
                .and_then(decode_hex)
            {
                Some(b) => b,
                None => return fault("input.hex is not hex"),
            };
            match String::from_utf8(bytes) {
                Ok(s) => string_to_uuid(s.as_str()),
                Err(_) => return Outcome::Skip("invalid UTF-8 cannot be a Rust str".into()),
            }
        }
        "utf16" => {
            let units = match input
                .get("hex")
                .and_then(Value::as_str)
                .and_then(decode_utf16_hex)
            {
                Some(u) => u,
                None => return fault("input.hex is not a sequence of 4-digit UTF-16 units"),
            };
            match String::from_utf16(&units) {
                Ok(s) => string_to_uuid(s.as_str()),
                Err(_) => return Outcome::Skip("a Rust str cannot hold a lone surrogate".into()),
            }
        }
        "integer" => {
            let text = match input.get("value").and_then(Value::as_str) {
                Some(t) => t,
                None => return fault("input.value is not a string"),
            };
            if !is_integer_literal(text) {
                return Outcome::Skip("not a base-10 integer literal".into());
            }
            // The narrowest native integer type that holds the value, as a Rust caller would pass it.
            if let Ok(n) = text.parse::<i64>() {
                string_to_uuid(n)
            } else if let Ok(n) = text.parse::<u64>() {
                string_to_uuid(n)
            } else if let Ok(n) = text.parse::<i128>() {
                string_to_uuid(n)
            } else if let Ok(n) = text.parse::<u128>() {
                string_to_uuid(n)
            } else {
                return Outcome::Skip("integer does not fit any Rust integer type (u128)".into());
            }
        }
        "float" => match input
            .get("value")
            .and_then(Value::as_str)
            .and_then(parse_js_float)
        {
            Some(f) => string_to_uuid(f),
            None => return Outcome::Skip("not a JavaScript number literal".into()),
        },
        "boolean" => match input.get("value").and_then(Value::as_bool) {
            Some(b) => string_to_uuid(b),
            None => return fault("input.value is not a boolean"),
        },
        "null" => return Outcome::Skip("no null in Rust: string_to_uuid takes T: ToString".into()),
        _ => return fault("unknown input kind"),
    };
    Outcome::Output(Value::String(uuid.into_string()))
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

/// What decrypt returned, its own input included (fail-open).
fn open(input: &Value) -> Outcome {
    match salt_and(input, "value") {
        Ok((salt, value)) => Outcome::Output(Value::String(decrypt_string_value(&value, &salt))),
        Err(e) => e,
    }
}

/// What encrypt returned: for `envelope.roundtrip` and the `envelope.seal` op alike.
fn seal(input: &Value) -> Outcome {
    match salt_and(input, "plaintext") {
        Ok((salt, plaintext)) => {
            Outcome::Output(Value::String(encrypt_string_value(&plaintext, &salt)))
        }
        Err(e) => e,
    }
}

fn op_seal(input: &Value) -> Outcome {
    seal(input)
}

fn roundtrip(input: &Value) -> Outcome {
    seal(input)
}

/// What migrate returned, raw.
fn migrate(input: &Value) -> Outcome {
    match salt_and(input, "value") {
        Ok((salt, value)) => {
            Outcome::Output(Value::String(migrate_encrypted_string_value(&value, &salt)))
        }
        Err(e) => e,
    }
}

/// Detection through the public seal (spec/runner-protocol.md): unchanged means "an envelope", `v2` when the
/// value has exactly three colons, else `v1`.
fn detect(input: &Value) -> Outcome {
    let value = match str_field(input, "value") {
        Ok(v) => v,
        Err(e) => return e,
    };
    if encrypt_string_value(value, DETECT_SALT) != value {
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
    let result = panic::catch_unwind(get_salt);
    for (name, _) in &vars {
        std::env::remove_var(name);
    }
    match result {
        Ok(salt) => {
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
        // serde_json's messages quote input values, so only the error category is reported. serde_json's
        // error carries no kind of spec/types.md (a syntax error and a wrong type are both `Data` or
        // `Syntax`, a duplicate member is a custom message), so it is reported as raised, never mapped.
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
    let written = match ty {
        "Memory" => through_serde!(elizaos::Memory, &bytes),
        "Content" => through_serde!(elizaos::Content, &bytes),
        "ActionResult" => through_serde!(elizaos::ActionResult, &bytes),
        "ProviderResult" => through_serde!(elizaos::ProviderResult, &bytes),
        "State" | "PluginManifest" => {
            return Outcome::Skip(format!(
                "elizaos 2.0.0 has no serde (JSON) implementation for {ty}: it is a prost-generated protobuf type"
            ))
        }
        _ => return fault("unknown type"),
    };
    let written = match written {
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
