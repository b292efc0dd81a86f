//! The example plugin of spec/example-plugin.md in plain std Rust: no
//! WebAssembly specifics, so that it compiles natively for the tests
//! (src/tests.rs) and for wasm32-unknown-unknown behind src/lib.rs.
//!
//! It carries its own JSON value, parser and serializer, SHA-1 and
//! encodeURIComponent: the guest uses no crate but std.

#![allow(dead_code)]

use std::fmt::Write as _;

// ---------------------------------------------------------------- JSON

/// A JSON value. Numbers are f64; objects keep their members in order
/// (a lookup takes the last of duplicate keys, as Go's encoding/json does).
#[derive(Clone, Debug)]
pub enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// The member `key` of an object; None for other values.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The JSON text of the value. NaN and infinities, which JSON cannot
    /// hold, are written as null.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(true) => out.push_str("true"),
            Json::Bool(false) => out.push_str("false"),
            Json::Num(n) => write_num(*n, out),
            Json::Str(s) => write_str(s, out),
            Json::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Json::Obj(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Value equality: objects compare as sets of members (order-insensitive),
/// arrays in order, numbers by value.
impl PartialEq for Json {
    fn eq(&self, other: &Json) -> bool {
        match (self, other) {
            (Json::Null, Json::Null) => true,
            (Json::Bool(a), Json::Bool(b)) => a == b,
            (Json::Num(a), Json::Num(b)) => a == b,
            (Json::Str(a), Json::Str(b)) => a == b,
            (Json::Arr(a), Json::Arr(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y),
            (Json::Obj(a), Json::Obj(b)) => {
                let ka = member_names(a);
                ka == member_names(b) && ka.iter().all(|k| self.get(k) == other.get(k))
            }
            _ => false,
        }
    }
}

/// The distinct member names of an object, sorted.
fn member_names(members: &[(String, Json)]) -> Vec<&str> {
    let mut k: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
    k.sort_unstable();
    k.dedup();
    k
}

fn write_num(n: f64, out: &mut String) {
    if !n.is_finite() {
        out.push_str("null");
    } else if n == n.trunc() && n.abs() < 1e15 {
        // Integers without a fraction or exponent ("-0" as "0").
        let _ = write!(out, "{}", n as i64);
    } else {
        // Rust's shortest round-trip form, never with an exponent: valid JSON.
        let _ = write!(out, "{}", n);
    }
}

fn write_str(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let b = c as u32 as usize;
                out.push_str("\\u00");
                out.push(HEX[b >> 4] as char);
                out.push(HEX[b & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Parses one JSON text (surrounding white space allowed). Strings decode
/// every escape; a \u escape of a lone surrogate becomes U+FFFD. Input that
/// is not UTF-8 is read with invalid sequences replaced by U+FFFD.
pub fn parse(input: &[u8]) -> Result<Json, String> {
    let text = String::from_utf8_lossy(input);
    let mut p = Parser { s: text.as_bytes(), i: 0, depth: 0 };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("json: trailing data at byte {}", p.i));
    }
    Ok(v)
}

const MAX_DEPTH: usize = 512;

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("json: {} at byte {}", what, self.i))
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn lit(&mut self, word: &str, v: Json) -> Result<Json, String> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            self.err("invalid literal")
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        match self.peek() {
            None => self.err("unexpected end"),
            Some(b'n') => self.lit("null", Json::Null),
            Some(b't') => self.lit("true", Json::Bool(true)),
            Some(b'f') => self.lit("false", Json::Bool(false)),
            Some(b'"') => Ok(Json::Str(self.string()?)),
            Some(b'[') => {
                self.enter()?;
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        items.push(self.value()?);
                        self.ws();
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            _ => return self.err("expected , or ]"),
                        }
                    }
                }
                self.depth -= 1;
                Ok(Json::Arr(items))
            }
            Some(b'{') => {
                self.enter()?;
                self.i += 1;
                let mut members = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        if self.peek() != Some(b'"') {
                            return self.err("expected a member name");
                        }
                        let k = self.string()?;
                        self.ws();
                        if self.peek() != Some(b':') {
                            return self.err("expected :");
                        }
                        self.i += 1;
                        self.ws();
                        let v = self.value()?;
                        members.push((k, v));
                        self.ws();
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            _ => return self.err("expected , or }"),
                        }
                    }
                }
                self.depth -= 1;
                Ok(Json::Obj(members))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => self.err("unexpected character"),
        }
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err("nested too deeply");
        }
        Ok(())
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<Json, String> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return self.err("invalid number"),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return self.err("invalid number");
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return self.err("invalid number");
            }
        }
        // The slice is ASCII digits and signs: always UTF-8.
        let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
        match text.parse::<f64>() {
            Ok(n) => Ok(Json::Num(n)),
            Err(_) => self.err("invalid number"),
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        if self.i + 4 > self.s.len() {
            return self.err("short \\u escape");
        }
        let mut v = 0u32;
        for k in 0..4 {
            let d = match self.s[self.i + k] {
                c @ b'0'..=b'9' => c - b'0',
                c @ b'a'..=b'f' => c - b'a' + 10,
                c @ b'A'..=b'F' => c - b'A' + 10,
                _ => return self.err("invalid \\u escape"),
            };
            v = v << 4 | d as u32;
        }
        self.i += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, String> {
        self.i += 1; // the opening quote
        let mut out: Vec<u8> = Vec::new();
        loop {
            let start = self.i;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.extend_from_slice(&self.s[start..self.i]);
            match self.peek() {
                None => return self.err("unterminated string"),
                Some(b'"') => {
                    self.i += 1;
                    break;
                }
                Some(b'\\') => {
                    self.i += 1;
                    let e = match self.peek() {
                        None => return self.err("unterminated string"),
                        Some(e) => e,
                    };
                    self.i += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let u = self.hex4()?;
                            if (0xD800..0xDC00).contains(&u) {
                                // A high surrogate: a pair only when a low
                                // one follows as the next escape.
                                let s = self.s;
                                let i = self.i;
                                if s.len() >= i + 6 && s[i] == b'\\' && s[i + 1] == b'u' {
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if (0xDC00..0xE000).contains(&lo) {
                                        char::from_u32(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)).unwrap_or('\u{FFFD}')
                                    } else {
                                        // Not a low surrogate: re-read it on its own.
                                        self.i = i;
                                        '\u{FFFD}'
                                    }
                                } else {
                                    '\u{FFFD}'
                                }
                            } else {
                                // Lone low surrogates are not chars either.
                                char::from_u32(u).unwrap_or('\u{FFFD}')
                            }
                        }
                        _ => {
                            self.i -= 1;
                            return self.err("invalid escape");
                        }
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                Some(_) => return self.err("control character in string"),
            }
        }
        // The input is UTF-8 (lossily converted) and escapes add whole
        // characters, so this never fails; be safe anyway.
        Ok(match String::from_utf8(out) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }
}

// ---------------------------------------------------------------- SHA-1

/// The SHA-1 digest of data (FIPS 180-4).
pub fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
    let bit_len = (data.len() as u64).wrapping_mul(8);
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    let mut w = [0u32; 80];
    for block in msg.chunks(64) {
        for t in 0..16 {
            w[t] = u32::from_be_bytes([block[4 * t], block[4 * t + 1], block[4 * t + 2], block[4 * t + 3]]);
        }
        for t in 16..80 {
            w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotate_left(1);
        }
        let (mut a, mut b, mut c, mut d, mut e) = (h[0], h[1], h[2], h[3], h[4]);
        for (t, &wt) in w.iter().enumerate() {
            let (f, k) = match t {
                0..=19 => ((b & c) | (!b & d), 0x5A827999),
                20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                _ => (b ^ c ^ d, 0xCA62C1D6u32),
            };
            let temp = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(wt);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = temp;
        }
        h[0] = h[0].wrapping_add(a);
        h[1] = h[1].wrapping_add(b);
        h[2] = h[2].wrapping_add(c);
        h[3] = h[3].wrapping_add(d);
        h[4] = h[4].wrapping_add(e);
    }
    let mut out = [0u8; 20];
    for (i, v) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&v.to_be_bytes());
    }
    out
}

// ---------------------------------------------------------------- ids

/// JavaScript's encodeURIComponent over the UTF-8 bytes of s: the
/// unreserved characters stay, every other byte becomes %XX (upper case).
pub fn encode_uri_component(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        let unreserved = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')');
        if unreserved {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

/// Whether s is exactly 8-4-4-4-12 hexadecimal digits of either case.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Upstream elizaOS stringToUuid, as ids.StringToUUID: a UUID is returned
/// unchanged; anything else is SHA-1(encodeURIComponent(s)), its first 16
/// bytes with the RFC 4122 variant bits and a version nibble of 0 (an
/// upstream quirk, kept), in lower-case 8-4-4-4-12 form.
pub fn string_to_uuid(s: &str) -> String {
    if is_uuid(s) {
        return s.to_string();
    }
    let sum = sha1(encode_uri_component(s).as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&sum[..16]);
    b[8] = (b[8] & 0x3f) | 0x80;
    b[6] &= 0x0f;
    let mut out = String::with_capacity(36);
    for (i, v) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        let _ = write!(out, "{:02x}", v);
    }
    out
}

// ---------------------------------------------------------------- plugin

/// The manifest of spec/example-plugin.md.
pub const MANIFEST: &str = concat!(
    r#"{"name":"interop-example","#,
    r#""description":"The interop example plugin: echo, uuid, fail, sleep, a provider and an evaluator.","#,
    r#""version":"1.0.0","language":"rust","#,
    r#""actions":["#,
    r#"{"name":"ECHO","description":"Replies with the message text."},"#,
    r#"{"name":"UUID","description":"Derives a UUID from the message text with stringToUuid."},"#,
    r#"{"name":"FAIL","description":"Always fails."},"#,
    r#"{"name":"SLEEP","description":"Waits options.ms milliseconds, then replies."}],"#,
    r#""providers":[{"name":"EXAMPLE","description":"A deterministic provider."}],"#,
    r#""evaluators":[{"name":"EXAMPLE_EVALUATOR","description":"Evaluates messages that ask for it."}]}"#
);

/// The answer of a call that returns data.
#[derive(Debug, PartialEq)]
pub enum Reply {
    /// A JSON text.
    Json(String),
    /// No result (an unknown provider or evaluator, or a cancelled wait).
    Nothing,
    /// The handler raised with this message.
    Fail(String),
}

/// The plugin's state: the greeting of the last init.
pub struct Plugin {
    greeting: String,
}

fn obj(members: Vec<(&str, Json)>) -> Json {
    Json::Obj(members.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn s(v: &str) -> Json {
    Json::Str(v.to_string())
}

/// memory.content.text, "" when absent or not a string.
fn text_of(memory: &Json) -> String {
    memory.get("content").and_then(|c| c.get("text")).and_then(Json::as_str).unwrap_or("").to_string()
}

fn parse_memory(memory: &[u8]) -> Result<Json, String> {
    parse(memory).map_err(|e| format!("memory: {}", e))
}

/// options.ms: a JSON number with an integer value from 0 to 10000.
fn sleep_millis(options: &Json) -> Option<u32> {
    match options.get("ms") {
        Some(&Json::Num(f)) if f == f.trunc() && (0.0..=10000.0).contains(&f) => Some(f as u32),
        _ => None,
    }
}

impl Plugin {
    pub const fn new() -> Plugin {
        Plugin { greeting: String::new() }
    }

    pub fn manifest(&self) -> &'static str {
        MANIFEST
    }

    /// plugin.init: remembers config.GREETING ("" when absent).
    pub fn init(&mut self, config: &[u8]) -> Result<(), String> {
        let config = parse(config).map_err(|e| format!("config: {}", e))?;
        self.greeting = config.get("GREETING").and_then(Json::as_str).unwrap_or("").to_string();
        Ok(())
    }

    pub fn validate_action(&self, name: &str, memory: &[u8], _state: &[u8]) -> Result<bool, String> {
        let memory = parse_memory(memory)?;
        Ok(match name {
            "ECHO" => !text_of(&memory).is_empty(),
            "UUID" | "FAIL" | "SLEEP" => true,
            _ => false,
        })
    }

    /// Runs an action. sleep waits the given milliseconds and returns true
    /// when the call was cancelled meanwhile.
    pub fn invoke_action(
        &self,
        name: &str,
        memory: &[u8],
        _state: &[u8],
        options: &[u8],
        sleep: &mut dyn FnMut(u32) -> bool,
    ) -> Reply {
        let memory = match parse_memory(memory) {
            Ok(m) => m,
            Err(e) => return Reply::Fail(e),
        };
        let t = text_of(&memory);
        let result = match name {
            "ECHO" => obj(vec![("success", Json::Bool(true)), ("text", s(&t)), ("data", obj(vec![("echo", s(&t))]))]),
            "UUID" => {
                let u = string_to_uuid(&t);
                obj(vec![("success", Json::Bool(true)), ("text", s(&u)), ("data", obj(vec![("uuid", s(&u))]))])
            }
            "FAIL" => return Reply::Fail("example failure".to_string()),
            "SLEEP" => {
                let ms = match parse(options).ok().as_ref().and_then(sleep_millis) {
                    Some(ms) => ms,
                    None => return Reply::Fail("bad sleep".to_string()),
                };
                if sleep(ms) {
                    return Reply::Nothing;
                }
                obj(vec![("success", Json::Bool(true)), ("text", s("slept"))])
            }
            _ => obj(vec![("success", Json::Bool(false)), ("error", Json::Str(format!("Action not found: {}", name)))]),
        };
        Reply::Json(result.to_json())
    }

    pub fn get_provider(&self, name: &str, memory: &[u8], _state: &[u8]) -> Reply {
        let memory = match parse_memory(memory) {
            Ok(m) => m,
            Err(e) => return Reply::Fail(e),
        };
        if name != "EXAMPLE" {
            return Reply::Nothing;
        }
        let room = memory.get("roomId").and_then(Json::as_str).unwrap_or("");
        Reply::Json(
            obj(vec![
                ("text", s("example provider")),
                ("values", obj(vec![("plugin", s("interop-example")), ("greeting", s(&self.greeting))])),
                ("data", obj(vec![("roomId", s(room))])),
            ])
            .to_json(),
        )
    }

    pub fn validate_evaluator(&self, name: &str, memory: &[u8], _state: &[u8]) -> Result<bool, String> {
        let memory = parse_memory(memory)?;
        Ok(name == "EXAMPLE_EVALUATOR" && text_of(&memory).contains("evaluate"))
    }

    pub fn invoke_evaluator(&self, name: &str, memory: &[u8], _state: &[u8]) -> Reply {
        if let Err(e) = parse_memory(memory) {
            return Reply::Fail(e);
        }
        if name != "EXAMPLE_EVALUATOR" {
            return Reply::Nothing;
        }
        Reply::Json(
            obj(vec![("success", Json::Bool(true)), ("text", s("evaluated")), ("values", obj(vec![("evaluated", Json::Bool(true))]))])
                .to_json(),
        )
    }
}
