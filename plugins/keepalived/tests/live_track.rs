//! Live tracking: the generated `vrrp_script` (`pgrep -x`, under `enable_script_security`)
//! moves the VIP when the tracked process dies on the master. Each member's keepalived runs as
//! PID 1 of a PID namespace of its own, beside its own copy of the tracked process, so `pgrep`
//! on one member does not see the other's process.
//!
//! - preempting group (weight = minus the priority spread plus one): the VIP moves to the
//!   backup when the master's process dies, and back when it runs again;
//! - group without preemption (weight 0: FAULT): the VIP moves to the backup and stays there
//!   when the process runs again.

mod common;

use common::{has_address, poll, signal};
use infrac_sdk::{Backend, Model, Target};
use infrac_testkit::{Netns, tool};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The tracked process's name (a copy of `sleep` under this name).
const PROCESS: &str = "kaltrk";

const MODEL: &str = r#"
project live { domain "live.test" }
site s1 {
  id 1
  zone lan { vlan 10; subnet 10.98.0.0/24 }
  host lb1 { address lan 10.98.0.11 }
  host lb2 { address lan 10.98.0.12 }
}
ha www {
  vip 10.98.0.100
  member lb1 { priority 150 }
  member lb2 { priority 100 }
  vrid 43
  advert 1s
  track kaltrk
  PREEMPT
}
"#;

const VIP: &str = "10.98.0.100";

/// The pids of the children of process `pid`.
fn children(pid: u32) -> Vec<u32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// The pids of processes running the executable `exe`.
fn running(exe: &Path) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|p| p == exe))
        .collect()
}

/// One member: keepalived as PID 1 of its own PID namespace (in the member's network
/// namespace), started with its own copy of the tracked process; stopped when dropped.
struct Member {
    ns: Netns,
    /// `unshare`, whose only child is the namespace's PID 1, keepalived.
    unshare: Child,
    /// The member's copy of the tracked program.
    tracked: PathBuf,
    /// Tracked processes started again later (through nsenter).
    restarted: Vec<Child>,
    log: PathBuf,
}

impl Member {
    fn start(ns: Netns, conf: &Path, dir: &Path, host: &str) -> Member {
        let home = dir.join(host);
        std::fs::create_dir_all(&home).expect("member directory");
        let tracked = home.join(PROCESS);
        std::fs::copy(tool("sleep"), &tracked).expect("copy sleep");
        let log = home.join("keepalived.log");
        let out = std::fs::File::create(&log).expect("log");
        let err = out.try_clone().expect("log");
        let q = |p: &Path| format!("'{}'", p.display());
        let script = format!(
            "{} 3600 & exec {} -n -l -D -P -f {} -p {} -r {} -c {}",
            q(&tracked),
            q(&tool("keepalived")),
            q(conf),
            q(&home.join("k.pid")),
            q(&home.join("vrrp.pid")),
            q(&home.join("chk.pid")),
        );
        let unshare = ns
            .command(tool("unshare"))
            .args(["--pid", "--fork", "--mount-proc", "--kill-child", "--"])
            .args(["sh", "-c", &script])
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("unshare starts");
        Member {
            ns,
            unshare,
            tracked,
            restarted: Vec::new(),
            log,
        }
    }

    /// keepalived's pid (as seen from here), once it runs.
    fn keepalived(&self) -> Option<u32> {
        children(self.unshare.id()).first().copied()
    }

    fn holds_vip(&self) -> bool {
        has_address(&self.ns, "eth0", VIP)
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Kills the member's tracked process.
    fn kill_tracked(&self) {
        let pids = running(&self.tracked);
        assert!(!pids.is_empty(), "{} runs", self.tracked.display());
        for pid in pids {
            signal(pid, "KILL");
        }
    }

    /// Starts the tracked process again, inside keepalived's PID namespace.
    fn restart_tracked(&mut self) {
        let pid = self.keepalived().expect("keepalived runs");
        let child = Command::new(tool("nsenter"))
            .args(["--target", &pid.to_string(), "--pid", "--mount", "--"])
            .arg(&self.tracked)
            .arg("3600")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nsenter starts");
        self.restarted.push(child);
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        // keepalived is PID 1 of its namespace: when it exits, the kernel kills the rest.
        if let Some(pid) = self.keepalived() {
            signal(pid, "TERM");
        }
        if !poll(30, || matches!(self.unshare.try_wait(), Ok(Some(_)))) {
            let _ = self.unshare.kill(); // --kill-child: SIGKILL to keepalived too
        }
        let _ = self.unshare.wait();
        for c in &mut self.restarted {
            if !poll(10, || matches!(c.try_wait(), Ok(Some(_)))) {
                let _ = c.kill();
            }
            let _ = c.wait();
        }
    }
}

/// Both members' logs.
fn logs(members: &[&Member]) -> String {
    members
        .iter()
        .map(|m| format!("--- {}\n{}", m.log.display(), m.log_text()))
        .collect()
}

/// Runs the scenario for the group with `preempt`; the members are dropped before the
/// namespaces of the bridge.
fn tracked_failover(tag: &str, preempt: bool) {
    // The generated script runs /usr/bin/pgrep (procps).
    tool("pgrep");
    assert!(Path::new(infrac_plugin_keepalived::render::PGREP).is_file());
    let model: Model =
        infrac_testkit::model_from_str(&MODEL.replace("PREEMPT", &format!("preempt {preempt}")));
    let dir = infrac_testkit::tempdir();
    let bridge = Netns::new(&format!("{tag}-br"));
    bridge.ip(&["link", "add", "br0", "type", "bridge"]);
    bridge.ip(&["link", "set", "br0", "up"]);
    let mut members = Vec::new();
    for (k, (host, address)) in [("lb1", "10.98.0.11/24"), ("lb2", "10.98.0.12/24")]
        .into_iter()
        .enumerate()
    {
        let ns = Netns::new(&format!("{tag}-{host}"));
        let port = format!("port{k}");
        ns.veth("eth0", &port, Some(&bridge));
        bridge.ip(&["link", "set", &port, "master", "br0"]);
        ns.ip(&["addr", "add", address, "dev", "eth0"]);
        let files = infrac_plugin_keepalived::Keepalived::compile(
            &model,
            &Target::unit("keepalived", host),
        )
        .expect("compiles");
        let conf = dir.path().join(format!("{host}.conf"));
        std::fs::write(&conf, &files[0].contents).expect("write config");
        members.push(Member::start(ns, &conf, dir.path(), host));
    }
    let [master, backup] = &mut members[..] else {
        panic!("two members")
    };

    assert!(
        poll(100, || master.holds_vip() && !backup.holds_vip()),
        "the VIP is not on the master only:\n{}",
        logs(&[master, backup])
    );
    assert!(
        master
            .log_text()
            .contains("VRRP_Script(chk_kaltrk) succeeded"),
        "the tracking script runs under enable_script_security:\n{}",
        logs(&[master])
    );

    master.kill_tracked();
    assert!(
        poll(100, || backup.holds_vip() && !master.holds_vip()),
        "the VIP did not leave the master whose process died:\n{}",
        logs(&[master, backup])
    );
    let expected = if preempt {
        "Changing effective priority from 150 to 99"
    } else {
        "Entering FAULT STATE"
    };
    assert!(
        master.log_text().contains(expected),
        "{expected}:\n{}",
        logs(&[master])
    );

    master.restart_tracked();
    if preempt {
        assert!(
            poll(100, || master.holds_vip() && !backup.holds_vip()),
            "the VIP did not come back when the process ran again:\n{}",
            logs(&[master, backup])
        );
    } else {
        assert!(
            poll(100, || master
                .log_text()
                .split("Entering FAULT STATE")
                .nth(1)
                .is_some_and(|after| after.contains("Entering BACKUP STATE"))),
            "the member did not leave FAULT when its process ran again:\n{}",
            logs(&[master])
        );
        for _ in 0..50 {
            assert!(
                backup.holds_vip() && !master.holds_vip(),
                "the VIP left the backup although the group does not preempt:\n{}",
                logs(&[master, backup])
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    drop(members);
}

#[test]
fn tracked_process_death_moves_the_vip_and_preemption_brings_it_back() {
    tracked_failover("kal-trk-pre", true);
}

#[test]
fn tracked_process_death_moves_the_vip_for_good_without_preemption() {
    tracked_failover("kal-trk-nopre", false);
}
