//! Bounded randomized tests: the parser never panics, every span lies within the input on
//! character boundaries, and every input that parses cleanly formats idempotently without
//! changing its meaning.

mod common;

use common::{infra_files, p};
use infrac_diag::Span;
use infrac_syntax::{ast, dump, format};

/// xorshift64*: small, seeded, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SAMPLES: &[&str] = &[
    "project shop { domain \"shop.example\" }\n\nsite paris {\n  zone apps { vlan 12; subnet 192.168.12.0/24 }\n  host app1 { address apps 192.168.12.11 }\n}\n\nallow internet -> app1 tcp/443 { why \"public shop\" }\n",
    "# c\nloadbalancer www {\n  on [lb1, lb2] // hosts\n  vip 2001:db8::10\n  backend app1 { weight app1-1 3; backup [app1-2,\n  app1-3,] }\n  rate { requests 100; per 10s }\n  allow [0.0.0.0/0] # all\n}\n",
    "template site t {\n  zone mgmt { vlan ${id}0; subnet 192.168.${id}0.0/24 }\n  host admin${id} { address mgmt 192.168.${id}0.10 }\n}\nsite lyon from t { id 2 }\n",
    "monitoring {\n  alert error_rate { above 5%; for 5m }\n  alert disk{ above 85.5%; for 10m }\n}\nbackup { every 2w; size 512MiB; at \"03:00\"; until 2027-06-30 }\n",
    "l [\n  # first\n  a, # after a\n  [b, c],\n  \"s\\t\\\"q\\\"\",\n]\nallow a->b tcp/8000-8080 icmp udp/53\n",
];

/// Bytes that matter to the grammar, to make mutations interesting.
const ALPHABET: &[u8] = b"{}[]\";#/\\-> \n\r\t,$.:*%_aZ09\0\xc3\xa9\xff";

fn check_span(src: &str, span: Span, what: &str) {
    let (s, e) = (span.start as usize, span.end as usize);
    assert!(
        s <= e && e <= src.len(),
        "{what} span {s}..{e} outside input of {} bytes",
        src.len()
    );
    assert!(
        src.is_char_boundary(s) && src.is_char_boundary(e),
        "{what} span {s}..{e} not on char boundaries in {src:?}"
    );
}

fn check_stmts(src: &str, stmts: &[ast::Statement]) {
    for s in stmts {
        check_span(src, s.span, "statement");
        check_span(src, s.keyword.span, "keyword");
        for c in s.leading_comments.iter().chain(&s.trailing_comment) {
            check_span(src, c.span, "comment");
        }
        check_values(src, &s.args);
        if let Some(b) = &s.block {
            check_span(src, b.span, "block");
            for c in &b.trailing_comments {
                check_span(src, c.span, "comment");
            }
            check_stmts(src, &b.statements);
        }
    }
}

fn check_values(src: &str, values: &[ast::Value]) {
    for v in values {
        check_span(src, v.span, "value");
        if let ast::ValueKind::List(items) = &v.kind {
            check_values(src, items);
        }
    }
}

/// Parses `src`, checks spans, and when clean, checks the formatter.
fn check(src: &str) -> bool {
    let (file, diags) = p(src);
    for d in &diags {
        check_span(src, d.span, "diagnostic");
        for l in &d.secondary {
            check_span(src, l.span, "label");
        }
    }
    check_stmts(src, &file.statements);
    if diags.iter().any(|d| d.is_error()) {
        // Unspecified output, but it must not panic.
        let _ = format(&file, src);
        return false;
    }
    let once = format(&file, src);
    let (file2, diags2) = p(&once);
    assert!(
        diags2.is_empty(),
        "formatted text has errors: {diags2:?}\n---- input\n{src:?}\n---- formatted\n{once}"
    );
    assert_eq!(
        dump(&file, false),
        dump(&file2, false),
        "meaning changed\n---- input\n{src:?}\n---- formatted\n{once}"
    );
    let twice = format(&file2, &once);
    assert_eq!(once, twice, "not idempotent\n---- input\n{src:?}");
    true
}

fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    let n = 1 + rng.below(4);
    for _ in 0..n {
        let len = bytes.len();
        let at = rng.below(len + 1);
        match rng.below(5) {
            0 if len > 0 => {
                bytes.remove(at.min(len - 1));
            }
            1 => {
                let b = ALPHABET[rng.below(ALPHABET.len())];
                bytes.insert(at, b);
            }
            2 if len > 0 => {
                // Duplicate a short range.
                let from = at.min(len - 1);
                let to = (from + 1 + rng.below(16)).min(len);
                let chunk = bytes[from..to].to_vec();
                let pos = rng.below(len + 1);
                bytes.splice(pos..pos, chunk);
            }
            3 if len > 1 => {
                let a = rng.below(len);
                let b = rng.below(len);
                bytes.swap(a, b);
            }
            _ => {
                let b = (rng.next() & 0xff) as u8;
                bytes.insert(at, b);
            }
        }
    }
}

#[test]
fn mutated_inputs_never_panic() {
    let mut corpus: Vec<String> = SAMPLES.iter().map(|s| s.to_string()).collect();
    for path in infra_files() {
        if let Ok(text) = std::fs::read_to_string(path) {
            corpus.push(text);
        }
    }
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut clean = 0;
    let iterations = 3_000;
    for i in 0..iterations {
        let base = &corpus[i % corpus.len()];
        let mut bytes = base.as_bytes().to_vec();
        // Mutate repeatedly, so some inputs drift far from the original.
        for _ in 0..1 + rng.below(3) {
            mutate(&mut rng, &mut bytes);
        }
        let src = String::from_utf8_lossy(&bytes);
        if check(&src) {
            clean += 1;
        }
    }
    // Some mutations keep the input valid (inside strings or comments, say): the formatter
    // properties are exercised too.
    assert!(clean > iterations / 20, "only {clean} clean inputs");
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    for _ in 0..500 {
        let len = rng.below(300);
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                if rng.below(2) == 0 {
                    ALPHABET[rng.below(ALPHABET.len())]
                } else {
                    (rng.next() & 0xff) as u8
                }
            })
            .collect();
        check(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn pathological_inputs() {
    let n = 10_000;
    for src in [
        "{".repeat(n),
        "}".repeat(n),
        "[".repeat(n),
        "a ".to_string() + &"[".repeat(n),
        "a ".to_string() + &"[".repeat(n) + &"]".repeat(n),
        "a {".repeat(n) + &"}".repeat(n),
        "a {".repeat(n),
        "a [{".repeat(n),
        "\"".repeat(n),
        "${".repeat(n),
        "a ${".repeat(n),
        "->".repeat(n),
        "\0".repeat(n),
        "é".repeat(n),
        "#".repeat(n),
        "/".repeat(n),
        "\\".repeat(n),
        "a [b\n".repeat(n),
        "a [\nb\n".repeat(n / 10),
        ";\n".repeat(n),
    ] {
        check(&src);
    }
}

/// Parses `src` and checks the spans of its diagnostics, without the formatter round trip.
fn check_parse(src: &str) {
    let (file, diags) = p(src);
    for d in &diags {
        check_span(src, d.span, "diagnostic");
    }
    check_stmts(src, &file.statements);
}

#[test]
fn long_lines_are_linear() {
    // 1 MB lines: of words, of one long word, of unexpected characters, of strings, of
    // template fragments and of list items. A quadratic step would take minutes here.
    let start = std::time::Instant::now();
    let words = "abc ".repeat(250_000);
    let (file, diags) = p(&format!("k {words}"));
    assert!(diags.is_empty());
    assert_eq!(file.statements[0].args.len(), 250_000);
    let mb = 1 << 20;
    for src in [
        format!("k {}", "a".repeat(mb)),
        format!("k {}", "@".repeat(mb)),
        format!("k \"{}\"", "x".repeat(mb)),
        format!("k \"{}", "x\\q".repeat(mb / 4)),
        format!("k {}", "${a ".repeat(mb / 4)),
        format!("k [{}]", "a,".repeat(mb / 2)),
        format!("k {}", "a->".repeat(mb / 3)),
    ] {
        check_parse(&src);
    }
    // The formatter on long lines (smaller, to keep the debug test fast).
    for src in [
        format!("k {}", "abc ".repeat(16_000)),
        format!("k [{}]", "a,".repeat(32_000)),
        format!("k \"{}\"", "x".repeat(64_000)),
    ] {
        check(&src);
    }
    assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
}
