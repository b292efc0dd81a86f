//! Native tests of src/core.rs (make -C runners/rust-wasm test):
//!
//!	rustc --edition 2021 --test src/tests.rs -o tests && VECTORS=... ./tests
//!
//! Every case of vectors/plugin.example/example.json goes through the
//! plugin as the WebAssembly ABI would pass it (JSON texts in, a JSON text,
//! no result or a failure out) and is compared with the vector's output by
//! JSON value, or with its error kind. VECTORS names the vector file; the
//! default is relative to runners/rust-wasm.

#[path = "core.rs"]
mod plugin;

use plugin::{encode_uri_component, parse, sha1, string_to_uuid, Json, Plugin, Reply};

const DEFAULT_VECTORS: &str = "../../vectors/plugin.example/example.json";

// Entity and room of the messages a case's "text" builds
// (internal/pluginsuite).
const ENTITY: &str = "11111111-1111-4111-8111-111111111111";
const ROOM: &str = "22222222-2222-4222-8222-222222222222";

fn hex(b: &[u8]) -> String {
    b.iter().map(|v| format!("{:02x}", v)).collect()
}

fn j(text: &str) -> Json {
    parse(text.as_bytes()).unwrap_or_else(|e| panic!("parse {:?}: {}", text, e))
}

/// What a case came to: an output value, or an error kind of the suite.
#[derive(Debug, PartialEq)]
enum Outcome {
    Output(Json),
    Error(&'static str),
}

/// Runs one case's input the way internal/pluginsuite.Run does.
fn run_case(input: &Json) -> Result<Outcome, String> {
    let call = input.get("call").and_then(Json::as_str).ok_or("no call")?;
    let name = input.get("name").and_then(Json::as_str).ok_or("no name")?;
    let memory = match input.get("memory") {
        Some(m) => m.clone(),
        None => {
            let text = input.get("text").and_then(Json::as_str).unwrap_or("");
            Json::Obj(vec![
                ("entityId".into(), Json::Str(ENTITY.into())),
                ("roomId".into(), Json::Str(ROOM.into())),
                ("content".into(), Json::Obj(vec![("text".into(), Json::Str(text.into()))])),
            ])
        }
    };
    let memory = memory.to_json();
    let state = input.get("state").cloned().unwrap_or(Json::Null).to_json();
    let options = input.get("options").cloned().unwrap_or(Json::Obj(vec![])).to_json();
    let config = input.get("config").cloned().unwrap_or(Json::Obj(vec![])).to_json();

    let mut p = Plugin::new();
    p.init(config.as_bytes())?;
    let valid = |b: bool| Outcome::Output(Json::Obj(vec![("valid".into(), Json::Bool(b))]));
    let from_reply = |r: Reply, none: Json| -> Result<Outcome, String> {
        Ok(match r {
            Reply::Json(text) => Outcome::Output(parse(text.as_bytes()).map_err(|e| format!("result {:?}: {}", text, e))?),
            Reply::Nothing => Outcome::Output(none),
            Reply::Fail(_) => Outcome::Error("plugin_error"),
        })
    };
    let mut slept = Vec::new();
    let mut sleep = |ms: u32| {
        slept.push(ms);
        std::thread::sleep(std::time::Duration::from_millis(ms as u64));
        false
    };
    let (m, s) = (memory.as_bytes(), state.as_bytes());
    match call {
        "action.validate" => Ok(p.validate_action(name, m, s).map(valid).unwrap_or(Outcome::Error("plugin_error"))),
        "action.invoke" => from_reply(p.invoke_action(name, m, s, options.as_bytes(), &mut sleep), Json::Null),
        // No result is an empty ProviderResult: {} on the wire.
        "provider.get" => from_reply(p.get_provider(name, m, s), Json::Obj(vec![])),
        "evaluator.validate" => Ok(p.validate_evaluator(name, m, s).map(valid).unwrap_or(Outcome::Error("plugin_error"))),
        "evaluator.invoke" => from_reply(p.invoke_evaluator(name, m, s), Json::Null),
        other => Err(format!("unknown call {:?}", other)),
    }
}

#[test]
fn vectors() {
    let path = std::env::var("VECTORS").unwrap_or_else(|_| DEFAULT_VECTORS.to_string());
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {} (set VECTORS)", path, e));
    let doc = parse(&raw).unwrap_or_else(|e| panic!("{}: {}", path, e));
    let cases = match doc.get("cases") {
        Some(Json::Arr(c)) => c,
        _ => panic!("{}: no cases", path),
    };
    let (mut compared, mut skipped, mut failures) = (0, Vec::new(), Vec::new());
    for case in cases {
        let id = case.get("id").and_then(Json::as_str).unwrap_or("?");
        let input = case.get("input").expect("case without input");
        if input.get("timeoutMs").is_some() {
            // A deadline cuts the wait: the host's interop.sleep does that
            // (cancellation_ends_sleep tests the guest's side of it).
            skipped.push(id);
            continue;
        }
        let want = match case.get("error").and_then(Json::as_str) {
            Some("plugin_error") => Outcome::Error("plugin_error"),
            Some(kind) => panic!("{}: error kind {:?} has no meaning in process", id, kind),
            None => Outcome::Output(case.get("output").cloned().unwrap_or_else(|| panic!("{}: no output", id))),
        };
        let got = match run_case(input) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{}: {}", id, e));
                continue;
            }
        };
        compared += 1;
        if got != want {
            failures.push(format!("{}:\n  got  {:?}\n  want {:?}", id, got, want));
        }
    }
    println!("plugin.example: {} cases compared, {} skipped {:?}", compared, skipped.len(), skipped);
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
    assert!(compared >= 60, "only {} cases compared", compared);
}

#[test]
fn comparison_can_fail() {
    // The vector comparison is by value: it must tell these apart.
    assert_ne!(j(r#"{"a":1,"b":{"c":"x"}}"#), j(r#"{"a":1,"b":{"c":"y"}}"#));
    assert_ne!(j(r#"{"a":1}"#), j(r#"{"a":1,"b":null}"#));
    assert_ne!(j("[1,2]"), j("[2,1]"));
    assert_ne!(j("null"), j("{}"));
    assert_ne!(j("1"), j("\"1\""));
    assert_eq!(j(r#"{"a":1,"b":[true,false]}"#), j(r#"{"b":[true,false],"a":1.0}"#));
    // And a wrong answer of the plugin is caught.
    let input = j(r#"{"call":"action.invoke","name":"ECHO","text":"hello"}"#);
    assert_ne!(run_case(&input).unwrap(), Outcome::Output(j(r#"{"success":true,"text":"hello","data":{"echo":"hellO"}}"#)));
}

#[test]
fn sha1_known_vectors() {
    assert_eq!(hex(&sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    assert_eq!(hex(&sha1(b"abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
    assert_eq!(
        hex(&sha1(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
    );
    assert_eq!(
        hex(&sha1(b"The quick brown fox jumps over the lazy dog")),
        "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"
    );
    assert_eq!(hex(&sha1(&vec![b'a'; 1_000_000])), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    // Lengths around the padding boundary (55, 56, 63, 64 bytes).
    assert_eq!(hex(&sha1(&[b'a'; 55])), "c1c8bbdc22796e28c0e15163d20899b65621d65a");
    assert_eq!(hex(&sha1(&[b'a'; 56])), "c2db330f6083854c99d4b5bfb6e8f29f201be699");
    assert_eq!(hex(&sha1(&[b'a'; 64])), "0098ba824b5c16427bd7a1122a5a442a25ec644d");
}

#[test]
fn uuid() {
    assert_eq!(string_to_uuid("hello"), "aaf4c61d-dcc5-08a2-9abe-de0f3b482cd9");
    assert_eq!(string_to_uuid(""), "da39a3ee-5e6b-0b0d-b255-bfef95601890");
    // A UUID of either case is returned unchanged; near misses are hashed.
    assert_eq!(string_to_uuid("AAF4C61D-dcc5-08a2-9abe-de0f3b482cd9"), "AAF4C61D-dcc5-08a2-9abe-de0f3b482cd9");
    assert_ne!(string_to_uuid("aaf4c61d-dcc5-08a2-9abe-de0f3b482cd9\n"), "aaf4c61d-dcc5-08a2-9abe-de0f3b482cd9\n");
    assert_ne!(string_to_uuid("aaf4c61ddcc5-08a2-9abe-de0f3b482cd9-"), "aaf4c61ddcc5-08a2-9abe-de0f3b482cd9-");
    assert_eq!(encode_uri_component("aZ09-_.!~*'()"), "aZ09-_.!~*'()");
    assert_eq!(encode_uri_component("a b/ü€😀\0"), "a%20b%2F%C3%BC%E2%82%AC%F0%9F%98%80%00");
}

#[test]
fn json_escapes() {
    let s = |text: &str| match j(text) {
        Json::Str(s) => s,
        v => panic!("{:?}", v),
    };
    assert_eq!(s(r#""\"\\\/\b\f\n\r\t""#), "\"\\/\u{8}\u{c}\n\r\t");
    assert_eq!(s(r#""\u0041\u00fc\u20AC""#), "Aü€");
    assert_eq!(s(r#""before\u0000after""#), "before\0after");
    assert_eq!(s(r#""\ud83d\ude00""#), "😀");
    assert_eq!(s(r#""\uD83D\uDE00x""#), "😀x");
    assert_eq!(s(r#""\ud800\udc00\udbff\udfff""#), "\u{10000}\u{10FFFF}");
    assert_eq!(s(r#""\uffff\ue000""#), "\u{FFFF}\u{E000}");
    // Lone surrogates become U+FFFD; a high one followed by a non-low
    // escape keeps that escape.
    assert_eq!(s(r#""a\ud800b""#), "a\u{FFFD}b");
    assert_eq!(s(r#""a\udc00b""#), "a\u{FFFD}b");
    assert_eq!(s(r#""\ud800\u0041""#), "\u{FFFD}A");
    assert_eq!(s(r#""\ud800\ud800\udc00""#), "\u{FFFD}\u{10000}");
    assert_eq!(s(r#""\ud800""#), "\u{FFFD}");
    assert_eq!(s("\"raw ü 😀\""), "raw ü 😀");
    // Invalid texts.
    for bad in [
        r#""\x""#, r#""\u12""#, r#""\u12G4""#, "\"a", "\"a\nb\"", "01", "1.", "-", "1e", "+1", "[1,]", "{\"a\":1,}", "{a:1}", "tru",
        "nul", "[1] x", "", "{\"a\" 1}",
    ] {
        assert!(parse(bad.as_bytes()).is_err(), "accepted {:?}", bad);
    }
    // Numbers.
    assert_eq!(j("1e3"), Json::Num(1000.0));
    assert_eq!(j("-0.5E-1"), Json::Num(-0.05));
    assert_eq!(j(" [ 1 , {\"a\" : [ ] } ] "), Json::Arr(vec![Json::Num(1.0), Json::Obj(vec![("a".into(), Json::Arr(vec![]))])]));
    // Deep nesting is refused, not a stack overflow.
    assert!(parse("[".repeat(100_000).as_bytes()).is_err());
}

#[test]
fn json_serializer_round_trips() {
    let v = Json::Obj(vec![
        ("s".into(), Json::Str("q\"b\\n\n\0\u{1f}\u{7f}ü😀\u{2028}".into())),
        ("n".into(), Json::Arr(vec![Json::Num(0.0), Json::Num(-0.0), Json::Num(1.5), Json::Num(1e300), Json::Num(1e-7), Json::Num(f64::NAN)])),
        ("b".into(), Json::Bool(false)),
        ("z".into(), Json::Null),
    ]);
    let text = v.to_json();
    assert!(text.starts_with(r#"{"s":"q\"b\\n\n\u0000\u001f"#), "{}", text);
    let back = parse(text.as_bytes()).unwrap();
    assert_eq!(back.get("s"), v.get("s"));
    assert_eq!(back.get("b"), Some(&Json::Bool(false)));
    assert_eq!(back.get("z"), Some(&Json::Null));
    match back.get("n") {
        Some(Json::Arr(n)) => {
            assert_eq!(n[..5], [Json::Num(0.0), Json::Num(0.0), Json::Num(1.5), Json::Num(1e300), Json::Num(1e-7)]);
            assert_eq!(n[5], Json::Null);
        }
        other => panic!("{:?}", other),
    }
}

#[test]
fn manifest_members() {
    let m = j(Plugin::new().manifest());
    let members = match &m {
        Json::Obj(members) => members,
        _ => panic!("manifest is not an object"),
    };
    let mut names: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["actions", "description", "evaluators", "language", "name", "providers", "version"]);
    assert_eq!(m.get("language"), Some(&Json::Str("rust".into())));
    assert_eq!(m.get("name"), Some(&Json::Str("interop-example".into())));
}

fn sleep_case(options: &str) -> (Reply, Vec<u32>) {
    let memory = r#"{"content":{}}"#;
    let mut slept = Vec::new();
    let r = Plugin::new().invoke_action("SLEEP", memory.as_bytes(), b"null", options.as_bytes(), &mut |ms| {
        slept.push(ms);
        false
    });
    (r, slept)
}

#[test]
fn sleep_options() {
    let slept = r#"{"success":true,"text":"slept"}"#;
    for (options, ms) in [(r#"{"ms":1e3}"#, 1000), (r#"{"ms":1.0}"#, 1), (r#"{"ms":10000}"#, 10000), (r#"{"ms":0}"#, 0), (r#"{"ms":-0}"#, 0)] {
        assert_eq!(sleep_case(options), (Reply::Json(slept.into()), vec![ms]), "{}", options);
    }
    for options in [r#"{"ms":1.5}"#, r#"{"ms":-1}"#, r#"{"ms":10001}"#, r#"{"ms":"5"}"#, r#"{"ms":true}"#, r#"{"ms":null}"#, "{}", "null", "[]", "not json"] {
        assert_eq!(sleep_case(options), (Reply::Fail("bad sleep".into()), vec![]), "{}", options);
    }
}

#[test]
fn cancellation_ends_sleep() {
    // interop.sleep answering 1 (cancelled): no result, no failure.
    let r = Plugin::new().invoke_action("SLEEP", b"{}", b"null", br#"{"ms":5000}"#, &mut |_| true);
    assert_eq!(r, Reply::Nothing);
}

#[test]
fn text_edge_cases() {
    let p = Plugin::new();
    for (name, want) in [("UUID", true), ("FAIL", true), ("SLEEP", true), ("ECHO", false), ("NOPE", false), ("echo", false)] {
        assert_eq!(p.validate_action(name, b"{}", b"null"), Ok(want), "validate {}", name);
    }
    assert_eq!(p.validate_evaluator("EXAMPLE_EVALUATOR", br#"{"content":{"text":"please re-evaluate"}}"#, b"null"), Ok(true));
    assert_eq!(p.validate_evaluator("EXAMPLE_EVALUATOR", br#"{"content":{"text":"Evaluate"}}"#, b"null"), Ok(false));
    assert_eq!(p.validate_evaluator("OTHER", br#"{"content":{"text":"evaluate"}}"#, b"null"), Ok(false));
    // No content, no text, a text that is not a string: all "".
    for memory in [r#"{}"#, r#"{"content":{}}"#, r#"{"content":{"text":5}}"#, r#"{"content":null}"#] {
        assert_eq!(p.validate_action("ECHO", memory.as_bytes(), b"null"), Ok(false), "{}", memory);
        let r = p.invoke_action("ECHO", memory.as_bytes(), b"null", b"{}", &mut |_| false);
        assert_eq!(r, Reply::Json(r#"{"success":true,"text":"","data":{"echo":""}}"#.into()));
    }
    // NUL survives the round trip.
    let r = p.invoke_action("ECHO", br#"{"content":{"text":"before\u0000after"}}"#, b"null", b"{}", &mut |_| false);
    assert_eq!(r, Reply::Json(r#"{"success":true,"text":"before\u0000after","data":{"echo":"before\u0000after"}}"#.into()));
    // Unknown names, and the memory of a provider without a room.
    assert_eq!(
        p.invoke_action("NOPE", b"{}", b"null", b"{}", &mut |_| false),
        Reply::Json(r#"{"success":false,"error":"Action not found: NOPE"}"#.into())
    );
    assert_eq!(p.get_provider("NOPE", b"{}", b"null"), Reply::Nothing);
    assert_eq!(p.invoke_evaluator("NOPE", b"{}", b"null"), Reply::Nothing);
    assert_eq!(
        p.get_provider("EXAMPLE", b"{}", b"null"),
        Reply::Json(r#"{"text":"example provider","values":{"plugin":"interop-example","greeting":""},"data":{"roomId":""}}"#.into())
    );
    // Invalid memory fails rather than guessing.
    assert!(matches!(p.invoke_action("ECHO", b"{", b"null", b"{}", &mut |_| false), Reply::Fail(_)));
    assert!(p.validate_action("ECHO", b"", b"null").is_err());
}
