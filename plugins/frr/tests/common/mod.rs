//! Helpers shared by the frr backend's integration tests: FRR daemons in a network namespace
//! of the test's own (stopped on drop, also on panic), frr.conf parsing for comparisons, and
//! test secret values.

#![allow(dead_code)] // each test binary uses a part

use infrac_plugin_frr::Frr;
use infrac_sdk::{Backend, Model, Target};
use infrac_testkit::poll;
use infrac_testkit::{Netns, run, tool};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// The example directory `name`.
pub fn example(name: &str) -> (String, PathBuf) {
    infrac_testkit::examples()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("examples/{name} exists"))
}

/// The frr.conf of device `unit`, as generated (placeholders in place).
pub fn config_of(model: &Model, unit: &str) -> String {
    let files = Frr::compile(model, &Target::unit("frr", unit))
        .unwrap_or_else(|d| panic!("`{unit}` does not compile: {d:#?}"));
    assert_eq!(files.len(), 1, "one frr.conf for `{unit}`");
    String::from_utf8(files[0].contents.clone()).expect("utf-8")
}

/// A secret value generated for this test run: 16 hexadecimal digits, the longest MD5 key FRR
/// keeps, so the running config shows it whole.
pub fn test_secret() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.write_u32(std::process::id());
    format!("{:016x}", h.finish())
}

/// The names of the `interface X` blocks of a frr.conf, in order.
pub fn interface_names(config: &str) -> Vec<String> {
    config
        .lines()
        .filter_map(|l| l.strip_prefix("interface "))
        .map(|n| n.trim().to_string())
        .collect()
}

/// A frr.conf read back: top-level lines and blocks (`interface X`, `router ospf`) by their
/// opening line, comments and separators dropped.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Conf {
    /// Lines outside blocks, in order.
    pub top: Vec<String>,
    /// Each block's lines (trimmed), by its opening line.
    pub blocks: BTreeMap<String, Vec<String>>,
}

impl Conf {
    /// Parses FRR configuration text (a generated file or `show running-config`).
    pub fn parse(text: &str) -> Conf {
        let mut conf = Conf::default();
        let mut open: Option<String> = None;
        for raw in text.lines() {
            let line = raw.trim_end();
            if line.is_empty() || line.starts_with('!') {
                continue;
            }
            match &open {
                Some(_) if line.trim() == "exit" => open = None,
                Some(header) if raw.starts_with(' ') => conf
                    .blocks
                    .entry(header.clone())
                    .or_default()
                    .push(line.trim().to_string()),
                _ if line.starts_with("interface ") || line.starts_with("router ") => {
                    conf.blocks.entry(line.to_string()).or_default();
                    open = Some(line.to_string());
                }
                _ => {
                    open = None;
                    conf.top.push(line.to_string());
                }
            }
        }
        conf
    }
}

/// How long to wait for a daemon's vty socket.
const START: Duration = Duration::from_secs(5);

/// FRR daemons (zebra first) running inside a namespace of the test, with their vty sockets
/// in a directory of their own. Dropping it stops the daemons, then deletes the namespace.
pub struct FrrNode {
    daemons: Vec<String>,
    vty: PathBuf,
    /// The namespace the daemons run in.
    pub ns: Netns,
    /// The directory of the vty sockets, the config and the daemons' logs.
    dir: PathBuf,
    /// Owns `dir` (a `tempfile::TempDir`): removed last.
    _dir_guard: Box<dyn std::any::Any>,
}

impl FrrNode {
    /// Starts `daemons` (e.g. `["zebra", "ospfd"]`) in `ns`, as VALIDATION.md describes:
    /// `-d -F traditional -f /dev/null --vty_socket DIR -z DIR/zserv.api -i DIR/NAME.pid
    /// -A 127.0.0.1 -P 0`, DIR owned by user `frr` and its parents searchable.
    pub fn start(ns: Netns, daemons: &[&str]) -> FrrNode {
        let guard = infrac_testkit::tempdir();
        let dir = guard.path().to_path_buf();
        let vty = dir.join("run");
        std::fs::create_dir(&vty).expect("create the vty directory");
        chmod_search(&dir);
        let out = run(Command::new("chown").arg("frr:frr").arg(&vty));
        assert!(out.status.success(), "chown frr:frr {}", vty.display());
        let mut node = FrrNode {
            daemons: Vec::new(),
            vty,
            ns,
            dir,
            _dir_guard: Box::new(guard),
        };
        for d in daemons {
            node.start_daemon(d);
        }
        node
    }

    fn start_daemon(&mut self, name: &str) {
        let vty = self.vty.display().to_string();
        let log =
            std::fs::File::create(self.dir.join(format!("{name}.log"))).expect("daemon log file");
        let status = self
            .ns
            .command(tool(name))
            .args(["-d", "-F", "traditional", "-f", "/dev/null", "--vty_socket"])
            .arg(&vty)
            .arg("-z")
            .arg(format!("{vty}/zserv.api"))
            .arg("-i")
            .arg(format!("{vty}/{name}.pid"))
            .args(["-A", "127.0.0.1", "-P", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone().expect("log file")))
            .stderr(Stdio::from(log))
            .status()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        self.daemons.push(name.to_string());
        assert!(status.success(), "{name} did not start: {}", self.log(name));
        let socket = self.vty.join(format!("{name}.vty"));
        let ready = poll(START, || socket.exists());
        assert!(
            ready,
            "{name} has no vty socket after 5 s: {}",
            self.log(name)
        );
    }

    /// What daemon `name` logged.
    pub fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(format!("{name}.log"))).unwrap_or_default()
    }

    /// Runs vtysh against these daemons with `args`.
    pub fn vtysh(&self, args: &[&str]) -> Output {
        run(self
            .ns
            .command(tool("vtysh"))
            .arg("--vty_socket")
            .arg(&self.vty)
            .args(args))
    }

    /// Loads `config` with `vtysh -f` (rc 13 on a semantic error).
    pub fn load(&self, config: &str) -> Output {
        let file = self.dir.join("frr.conf");
        std::fs::write(&file, config).expect("write frr.conf");
        let path = file.display().to_string();
        self.vtysh(&["-f", &path])
    }

    /// `show running-config`.
    pub fn running_config(&self) -> String {
        let out = self.vtysh(&["-c", "show running-config"]);
        assert!(out.status.success(), "show running-config failed");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The text of a `show` command.
    pub fn show(&self, command: &str) -> String {
        String::from_utf8_lossy(&self.vtysh(&["-c", command]).stdout).into_owned()
    }

    /// The kernel routes zebra installed for OSPF (`ip -n NS route show proto ospf`).
    pub fn ospf_routes(&self) -> String {
        let out =
            run(Command::new("ip").args(["-n", self.ns.name(), "route", "show", "proto", "ospf"]));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for FrrNode {
    fn drop(&mut self) {
        // Throwaway daemons: their state dies with the namespace, so SIGKILL (a graceful
        // SIGTERM costs ~2 s per daemon), then a bounded wait until they are gone. The
        // namespace's own drop kills anything else left inside.
        let pids: Vec<u32> = self
            .daemons
            .iter()
            .filter_map(|name| std::fs::read_to_string(self.vty.join(format!("{name}.pid"))).ok())
            .filter_map(|p| p.trim().parse().ok())
            .collect();
        for pid in &pids {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).output();
        }
        poll(Duration::from_secs(1), || {
            pids.iter().all(|pid| !running(*pid))
        });
    }
}

/// Whether process `pid` still runs (exists and is not a zombie waiting to be reaped).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let state = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .next()?
                .to_string();
            Some(state != "Z")
        })
        .unwrap_or(false)
}

/// Makes `dir` searchable by others (`o+x`), so the `frr` user reaches the vty directory.
fn chmod_search(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir).expect("stat").permissions().mode();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode | 0o001))
        .expect("chmod o+x");
}

/// Creates a veth named `name` in `ns` whose peer (`peer`) stays in the same namespace, both up:
/// an interface for a config to use, with nothing at the other end.
pub fn stub_interface(ns: &Netns, name: &str, peer: &str) {
    ns.veth(name, peer, None);
}

/// Joins `a` (named `a_name`) and `b` (named `b_name`) with a veth pair, both ends up. The two
/// names may be equal (`vtnet2` on both sides): each end is created in its own namespace.
pub fn join(a: &Netns, a_name: &str, b: &Netns, b_name: &str) {
    a.ip(&[
        "link",
        "add",
        a_name,
        "type",
        "veth",
        "peer",
        "name",
        b_name,
        "netns",
        b.name(),
    ]);
    a.ip(&["link", "set", a_name, "up"]);
    b.ip(&["link", "set", b_name, "up"]);
}

/// The daemons a config needs: zebra and ospfd, and staticd when it has static routes.
pub fn daemons_for(config: &str) -> Vec<&'static str> {
    let statics = config
        .lines()
        .any(|l| l.starts_with("ip route ") || l.starts_with("ipv6 route "));
    let mut d = vec!["zebra"];
    if statics {
        d.push("staticd");
    }
    d.push("ospfd");
    d
}

/// A two-site lab written in the language: FRR routers `re` (two passive user zones, and a WAN
/// uplink with a gateway, i.e. a static default route, whose subnet OSPF carries only by
/// `redistribute connected`) and `rw` (one passive zone),
/// joined by link `east-west` (`re` port `ethw` – `rw` port `ethe`) with hello 1 s / dead 4 s,
/// and MD5 authentication when `auth` is true.
pub fn lab_source(auth: bool) -> String {
    let auth = if auth { "; auth ospf-key" } else { "" };
    format!(
        r#"project lab {{ domain "lab.example" }}
secret ospf-key {{ env "LAB_OSPF_KEY"; max_length 16 }}

site east {{
  id 1
  zone users {{ vlan 10; subnet 10.1.10.0/24 }}
  zone servers {{ vlan 11; subnet 10.1.11.0/24 }}
  router re {{
    platform frr
    interface eth1 {{ address 10.1.10.1/24; zone users }}
    interface eth2 {{ address 10.1.11.1/24; zone servers }}
    interface wan0 {{ address 203.0.113.2/29; gateway 203.0.113.1 }}
    ospf {{ area 0; passive [eth1, eth2]; redistribute [connected] }}
  }}
}}

site west {{
  id 2
  zone users {{ vlan 20; subnet 10.2.20.0/24 }}
  router rw {{
    platform frr
    interface eth1 {{ address 10.2.20.1/24; zone users }}
    ospf {{ area 0; passive [users] }}
  }}
}}

link east-west {{
  side re ethw
  side rw ethe
  transit 10.255.9.0/30
  ospf {{ area 0; cost 10; hello 1s; dead 4s{auth} }}
}}
"#
    )
}
