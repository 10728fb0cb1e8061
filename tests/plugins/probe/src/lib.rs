//! Reports what the sandbox lets it see: clocks, sleep, randomness, environment, files, network.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use guest::*;

struct Probe;

impl Guest for Probe {
    fn units(_ir: String, _target: String) -> Result<Vec<String>, Vec<Diagnostic>> {
        Ok(vec![String::new()])
    }

    fn info() -> PluginInfo {
        info("probe")
    }

    fn compile(_ir: String, _options: CompileOptions) -> Result<CompileOutput, Vec<Diagnostic>> {
        let start = Instant::now();
        // A sleep must neither block the host nor let time pass.
        std::thread::sleep(Duration::from_secs(3600));
        let mut report = String::new();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs());
        report.push_str(&format!("wall_clock={now:?}\n"));
        report.push_str(&format!(
            "monotonic_elapsed_ns={}\n",
            start.elapsed().as_nanos()
        ));
        report.push_str(&format!("hash={}\n", RandomState::new().hash_one(42u32)));
        report.push_str(&format!("env_vars={}\n", std::env::vars_os().count()));
        report.push_str(&format!("args={}\n", std::env::args_os().count()));
        report.push_str(&format!("cwd_ok={}\n", std::env::current_dir().is_ok()));
        report.push_str(&format!(
            "read_root_ok={}\n",
            std::fs::read_dir("/").is_ok()
        ));
        report.push_str(&format!("read_dot_ok={}\n", std::fs::read_dir(".").is_ok()));
        report.push_str(&format!(
            "write_ok={}\n",
            std::fs::write("/tmp/infrac-probe", "x").is_ok()
        ));
        let tcp = std::net::TcpStream::connect(("127.0.0.1", 9)).is_ok();
        report.push_str(&format!("tcp_ok={tcp}\n"));
        let udp = std::net::UdpSocket::bind(("127.0.0.1", 0)).is_ok();
        report.push_str(&format!("udp_ok={udp}\n"));
        let dns = std::net::ToSocketAddrs::to_socket_addrs(&("localhost", 80)).is_ok();
        report.push_str(&format!("dns_ok={dns}\n"));
        let mut stdin = String::new();
        let read = std::io::Read::read_to_string(&mut std::io::stdin(), &mut stdin);
        report.push_str(&format!("stdin={:?}\n", read.map(|_| stdin)));
        Ok(one_file("probe.txt", report))
    }
}

guest::export!(Probe with_types_in guest::bindings);
