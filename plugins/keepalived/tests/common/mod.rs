//! Helpers shared by the keepalived backend's tests.
#![allow(dead_code)] // each test binary uses its own subset

use infrac_sdk::{File, Model};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Every file the backend renders for `model`.
pub fn render(model: &Model) -> Vec<File> {
    infrac_testkit::render::<infrac_plugin_keepalived::Keepalived>(model, "keepalived")
}

/// A file's text.
pub fn text(file: &File) -> String {
    String::from_utf8(file.contents.clone()).expect("utf-8")
}

/// A password for this test run: 8 lower-case letters and digits, generated from the clock and
/// the process id (VRRP passwords are at most 8 characters).
pub fn test_password() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let mut n = nanos ^ (u128::from(std::process::id()) << 64);
    let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..8)
        .map(|_| {
            let c = alphabet[(n % alphabet.len() as u128) as usize] as char;
            n /= alphabet.len() as u128;
            c
        })
        .collect()
}

/// Calls `check` every 100 ms, at most `tries` times, until it returns true; whether it did.
pub fn poll(tries: u32, mut check: impl FnMut() -> bool) -> bool {
    for i in 0..tries {
        if check() {
            return true;
        }
        if i + 1 < tries {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    false
}

/// Whether `address` is configured on `interface` in namespace `ns`.
pub fn has_address(ns: &infrac_testkit::Netns, interface: &str, address: &str) -> bool {
    let out = infrac_testkit::run(Command::new("ip").args([
        "-n",
        ns.name(),
        "-o",
        "addr",
        "show",
        "dev",
        interface,
    ]));
    let listing = String::from_utf8_lossy(&out.stdout);
    listing
        .split_whitespace()
        .any(|w| w.split('/').next() == Some(address))
}

/// Sends `signal` (`TERM`, `KILL`) to process `pid`.
pub fn signal(pid: u32, signal: &str) {
    let _ = Command::new(infrac_testkit::tool("kill"))
        .args([&format!("-{signal}"), &pid.to_string()])
        .output();
}

/// A keepalived started in a namespace, stopped when dropped (SIGTERM, then SIGKILL after
/// 3 s; its VRRP child too).
pub struct Keepalived {
    child: Child,
    vrrp_pidfile: PathBuf,
    /// Its log (stdout and stderr).
    pub log: PathBuf,
}

impl Keepalived {
    /// Starts `keepalived -n -l -D -P -f CONF` in `ns`, with pidfiles and a log named after
    /// `tag` in `dir` (separate pidfiles: /run is shared with every other test).
    pub fn start(ns: &infrac_testkit::Netns, conf: &Path, dir: &Path, tag: &str) -> Keepalived {
        let log = dir.join(format!("{tag}.log"));
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("log file");
        let err = out.try_clone().expect("log file");
        let vrrp_pidfile = dir.join(format!("{tag}.vrrp.pid"));
        let child = ns
            .command(infrac_testkit::tool("keepalived"))
            .arg("-n")
            .arg("-l")
            .arg("-D")
            .arg("-P")
            .arg("-f")
            .arg(conf)
            .arg("-p")
            .arg(dir.join(format!("{tag}.pid")))
            .arg("-r")
            .arg(&vrrp_pidfile)
            .arg("-c")
            .arg(dir.join(format!("{tag}.chk.pid")))
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("keepalived starts");
        Keepalived {
            child,
            vrrp_pidfile,
            log,
        }
    }

    /// Its log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Whether the main process still runs.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The VRRP child's pid, while it runs: the pid in its pidfile, if that process's command
    /// line names this daemon's own (unique) pidfile, so a stale pid is never signalled.
    fn vrrp_pid(&self) -> Option<u32> {
        let pid: u32 = std::fs::read_to_string(&self.vrrp_pidfile)
            .ok()?
            .trim()
            .parse()
            .ok()?;
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        let ours = self.vrrp_pidfile.to_string_lossy();
        String::from_utf8_lossy(&cmdline)
            .split('\0')
            .any(|arg| arg == ours)
            .then_some(pid)
    }

    /// Sends `sig` to the main process (and, for KILL, first to the VRRP child, which would
    /// otherwise outlive it), then waits at most 3 s for it to exit; whether it exited.
    pub fn stop(&mut self, sig: &str) -> bool {
        if sig == "KILL"
            && let Some(pid) = self.vrrp_pid()
        {
            signal(pid, "KILL");
        }
        signal(self.child.id(), sig);
        let exited = poll(30, || !self.running());
        if !exited {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        exited
    }
}

impl Drop for Keepalived {
    fn drop(&mut self) {
        if self.running() {
            self.stop("TERM");
        }
        if let Some(pid) = self.vrrp_pid() {
            signal(pid, "KILL");
        }
    }
}

/// Milliseconds since `start`.
pub fn ms_since(start: Instant) -> u128 {
    start.elapsed().as_millis()
}
