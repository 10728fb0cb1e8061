//! Bounded randomized robustness: damaged versions of valid models never make the checker
//! panic, and every diagnostic points inside its file on character boundaries.

use infrac_diag::SourceMap;

/// A small deterministic PRNG (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ";",
    "\n",
    "->",
    "\"",
    "${id}",
    "10.0.0.0/33",
    "tcp/99999",
    "*",
    ".",
    "zone",
    "host x {}",
    "allow",
    "vlan 0",
    "address apps 1.2.3.4",
    "from",
    "template",
    "site",
    "0.0.0.0/0",
    "2026-02-30",
    "é",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(4) {
            0 => {
                let end = (at + 1 + rng.below(40)).min(bytes.len());
                if at < end {
                    bytes.drain(at..end);
                }
            }
            1 => {
                let p = PIECES[rng.below(PIECES.len())];
                bytes.splice(at..at, p.bytes());
            }
            2 => {
                let from = rng.below(bytes.len());
                let end = (from + rng.below(80)).min(bytes.len());
                let chunk: Vec<u8> = bytes[from..end].to_vec();
                let at = at.min(bytes.len());
                bytes.splice(at..at, chunk);
            }
            _ => {
                if at < bytes.len() {
                    bytes[at] = b"{}[];\n ->.\"x1"[rng.below(13)];
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn check_text(text: &str) {
    let mut sources = SourceMap::new();
    let id = sources.add("fuzz.infra", text);
    let (file, mut diags) = infrac_syntax::parse(id, text);
    let checked = infrac_check::check(
        &sources,
        &[(id, &file)],
        &infrac_check::CheckOptions {
            today: Some((2026, 11, 23)),
        },
    );
    diags.extend(checked.diagnostics);
    for d in &diags {
        for span in std::iter::once(d.span).chain(d.secondary.iter().map(|l| l.span)) {
            assert!(
                span.end as usize <= text.len(),
                "span {span:?} past end for {:?}",
                d.message
            );
            assert!(
                text.is_char_boundary(span.start as usize)
                    && text.is_char_boundary(span.end as usize),
                "span {span:?} not on a char boundary"
            );
        }
    }
}

#[test]
fn damaged_models_never_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut seeds = vec![infrac_check::generate::sites(3)];
    for dir in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        for f in std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if f.path().extension().is_some_and(|e| e == "infra") {
                seeds.push(std::fs::read_to_string(f.path()).unwrap_or_default());
            }
        }
    }
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let started = std::time::Instant::now();
    let mut runs = 0;
    // Bounded in count and in time.
    while runs < 1500 && started.elapsed() < std::time::Duration::from_secs(20) {
        let seed = &seeds[rng.below(seeds.len())];
        check_text(&mutate(&mut rng, seed));
        runs += 1;
    }
    assert!(runs >= 50, "only {runs} runs in time");
}

#[test]
fn generated_models_check_clean() {
    let text = infrac_check::generate::sites(20);
    let mut sources = SourceMap::new();
    let id = sources.add("big.infra", text.as_str());
    let (file, diags) = infrac_syntax::parse(id, &text);
    assert!(diags.is_empty());
    let checked = infrac_check::check(
        &sources,
        &[(id, &file)],
        &infrac_check::CheckOptions::default(),
    );
    assert!(
        checked.diagnostics.is_empty(),
        "{:#?}",
        &checked.diagnostics[..checked.diagnostics.len().min(3)]
    );
    let m = checked.model.expect("model");
    assert_eq!(m.sites.len(), 20);
    assert_eq!(m.hosts.len(), 100);
}

/// Found by the fuzzer: a template whose body instantiates itself several times once expanded
/// exponentially. A cycle is now an error at once.
#[test]
fn self_instantiating_templates_are_an_error_not_a_blow_up() {
    let text = "project t { domain \"t.example\" }\n\
        template site loop {\n  site a from loop { id 1 }\n  site b from loop { id 2 }\n  site c from loop { id 3 }\n}\n\
        site s from loop { id 9 }\n";
    let mut sources = SourceMap::new();
    let id = sources.add("loop.infra", text);
    let (file, _) = infrac_syntax::parse(id, text);
    let started = std::time::Instant::now();
    let checked = infrac_check::check(
        &sources,
        &[(id, &file)],
        &infrac_check::CheckOptions::default(),
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(
        checked
            .diagnostics
            .iter()
            .any(|d| d.code.0 == "E0304" && d.message.contains("instantiates itself")),
        "{:#?}",
        checked.diagnostics
    );
}
