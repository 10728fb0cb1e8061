//! Prints a generated model: `cargo run -p infrac-check --example generate -- 1000 > big.infra`.

fn main() {
    let n = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10);
    print!("{}", infrac_check::generate::sites(n));
}
