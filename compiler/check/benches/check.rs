//! Parse + check of generated models: `cargo bench -p infrac-check`.
//! Target on a 2-core machine: checking 1,000 sites in under a second.

use infrac_diag::SourceMap;

fn main() {
    divan::main();
}

fn run(text: &str) -> usize {
    let mut sources = SourceMap::new();
    let id = sources.add("big.infra", text);
    let (file, _) = infrac_syntax::parse(id, text);
    let checked = infrac_check::check(
        &sources,
        &[(id, &file)],
        &infrac_check::CheckOptions::default(),
    );
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics.first());
    checked.model.map(|m| m.flows.len()).unwrap_or(0)
}

/// Site-local rules only: the realistic shape.
#[divan::bench(args = [10, 100, 1000], sample_count = 5)]
fn parse_and_check(bencher: divan::Bencher, sites: usize) {
    let text = infrac_check::generate::sites_with(sites, false);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| run(divan::black_box(&text)));
}

/// Plus `*.mgmt -> *.services ssh`: every site's management zone to every site's services,
/// `sites`² flows (1M at 1,000 sites).
#[divan::bench(args = [100, 1000], sample_count = 3)]
fn parse_and_check_global_wildcards(bencher: divan::Bencher, sites: usize) {
    let text = infrac_check::generate::sites(sites);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| run(divan::black_box(&text)));
}
