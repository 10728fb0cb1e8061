//! A generated ruleset loaded into a real kernel: the host's namespace gets its addresses
//! (IPv4 and IPv6) on a veth, listeners on an allowed and a disallowed port, and the ruleset
//! (`nft -f`); from a client namespace, the allowed source reaches the allowed port over both
//! families (IPv6 only works if neighbour discovery is let through), while the other port and
//! the other source time out (dropped, not refused).

use infrac_plugin_nftables::Nftables;
use infrac_sdk::{Backend, Target};
use infrac_testkit::Netns;
use std::process::{Child, Stdio};

const MODEL: &str = r#"
project live { domain "live.example" }
site s1 {
  id 1
  zone mgmt { vlan 10; subnet 10.77.10.0/24; purpose management }
  zone mgmt6 { vlan 11; subnet fd00:77:10::/64; purpose management }
  zone apps { vlan 20; subnet 10.77.20.0/24 }
  zone apps6 { vlan 21; subnet fd00:77:20::/64 }
  host admin { address mgmt 10.77.10.10; address mgmt6 fd00:77:10::10 }
  host other { address mgmt 10.77.10.11 }
  host app { address apps 10.77.20.11; address apps6 fd00:77:20::11 }
}
allow admin -> app tcp/8080 { why "the one allowed port" }
"#;

/// Accepts on every port given, IPv4 and IPv6, answering `ok` and closing.
const LISTENER: &str = r#"
import socket, sys, threading
def serve(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(16)
    while True:
        c, _ = s.accept()
        c.sendall(b"ok\n")
        c.close()
for p in sys.argv[1:]:
    threading.Thread(target=serve, args=(int(p),), daemon=True).start()
threading.Event().wait()
"#;

/// Connects from SRC to DST:PORT with a 1 s timeout; prints connected, timeout or refused.
const CONNECT: &str = r#"
import socket, sys
src, dst, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_INET6 if ":" in dst else socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(1.0)
s.bind((src, 0))
try:
    s.connect((dst, port))
    print("connected")
except socket.timeout:
    print("timeout")
except ConnectionRefusedError:
    print("refused")
except OSError as e:
    print("error", e)
"#;

/// A process killed (and reaped) when the test ends, also on panic.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn connect(client: &Netns, src: &str, dst: &str, port: u16) -> String {
    let out = infrac_testkit::run(client.command(infrac_testkit::tool("python3")).args([
        "-c",
        CONNECT,
        src,
        dst,
        &port.to_string(),
    ]));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn the_loaded_ruleset_lets_through_only_the_modelled_flow() {
    let model = infrac_testkit::model_from_str(MODEL);
    let files = Nftables::compile(&model, &Target::unit("nftables", "app")).unwrap();
    let dir = infrac_testkit::tempdir();
    let ruleset = dir.path().join("nftables.conf");
    std::fs::write(&ruleset, &files[0].contents).unwrap();

    let server = Netns::new("nft-live-app");
    let client = Netns::new("nft-live-cli");
    server.veth("nfls0", "nflc0", Some(&client));
    server.ip(&["addr", "add", "10.77.20.11/24", "dev", "nfls0"]);
    server.ip(&[
        "-6",
        "addr",
        "add",
        "fd00:77:20::11/64",
        "dev",
        "nfls0",
        "nodad",
    ]);
    server.ip(&["route", "add", "10.77.10.0/24", "dev", "nfls0"]);
    server.ip(&["-6", "route", "add", "fd00:77:10::/64", "dev", "nfls0"]);
    for a in ["10.77.10.10/24", "10.77.10.11/24"] {
        client.ip(&["addr", "add", a, "dev", "nflc0"]);
    }
    client.ip(&[
        "-6",
        "addr",
        "add",
        "fd00:77:10::10/64",
        "dev",
        "nflc0",
        "nodad",
    ]);
    client.ip(&["route", "add", "10.77.20.0/24", "dev", "nflc0"]);
    client.ip(&["-6", "route", "add", "fd00:77:20::/64", "dev", "nflc0"]);

    let _listener = KillOnDrop(
        server
            .command(infrac_testkit::tool("python3"))
            .args(["-c", LISTENER, "8080", "9090"])
            .stdout(Stdio::null())
            .spawn()
            .expect("listener starts"),
    );
    // Without the ruleset both ports answer (bounded wait for the listener: 50 × 100 ms).
    let mut ready = false;
    for _ in 0..50 {
        if connect(&client, "10.77.10.10", "10.77.20.11", 9090) == "connected" {
            ready = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(ready, "the listener never answered");
    assert_eq!(
        connect(&client, "10.77.10.11", "10.77.20.11", 8080),
        "connected"
    );

    let out = infrac_testkit::run(
        server
            .command(infrac_testkit::tool("nft"))
            .arg("-f")
            .arg(&ruleset),
    );
    assert!(
        out.status.success(),
        "nft -f: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let cases = [
        ("10.77.10.10", "10.77.20.11", 8080, "connected"),
        ("fd00:77:10::10", "fd00:77:20::11", 8080, "connected"),
        ("10.77.10.10", "10.77.20.11", 9090, "timeout"),
        ("fd00:77:10::10", "fd00:77:20::11", 9090, "timeout"),
        ("10.77.10.11", "10.77.20.11", 8080, "timeout"),
    ];
    for (src, dst, port, expected) in cases {
        assert_eq!(
            connect(&client, src, dst, port),
            expected,
            "{src} -> {dst}:{port}"
        );
    }
}

const CONTAINER_MODEL: &str = r#"
project live { domain "live.example" }
site s1 {
  id 1
  zone mgmt { vlan 10; subnet 10.78.10.0/24; purpose management }
  zone apps { vlan 20; subnet 10.78.20.0/24 }
  host admin { address mgmt 10.78.10.10 }
  host other { address mgmt 10.78.10.11 }
  host app { address apps 10.78.20.11 }
}
service api { image "api:1"; port 8443; on [app] }
allow admin -> api tcp/8443 { why "the published port" }
"#;

#[test]
fn a_container_port_published_by_dnat_is_reached_only_by_its_flows() {
    let model = infrac_testkit::model_from_str(CONTAINER_MODEL);
    let files = Nftables::compile(&model, &Target::unit("nftables", "app")).unwrap();
    let dir = infrac_testkit::tempdir();
    let ruleset = dir.path().join("nftables.conf");
    std::fs::write(&ruleset, &files[0].contents).unwrap();

    // client — host (the ruleset, DNAT like a container engine) — container
    let host = Netns::new("nft-dnat-app");
    let client = Netns::new("nft-dnat-cli");
    let container = Netns::new("nft-dnat-ctr");
    host.veth("nfds0", "nfdc0", Some(&client));
    host.veth("nfds1", "nfdk0", Some(&container));
    host.ip(&["addr", "add", "10.78.20.11/24", "dev", "nfds0"]);
    host.ip(&["route", "add", "10.78.10.0/24", "dev", "nfds0"]);
    host.ip(&["addr", "add", "172.30.0.1/24", "dev", "nfds1"]);
    for a in ["10.78.10.10/24", "10.78.10.11/24"] {
        client.ip(&["addr", "add", a, "dev", "nfdc0"]);
    }
    client.ip(&["route", "add", "10.78.20.0/24", "dev", "nfdc0"]);
    container.ip(&["addr", "add", "172.30.0.2/24", "dev", "nfdk0"]);
    container.ip(&["route", "add", "default", "via", "172.30.0.1"]);
    let sysctl = infrac_testkit::run(host.command(infrac_testkit::tool("sysctl")).args([
        "-q",
        "-w",
        "net.ipv4.ip_forward=1",
    ]));
    assert!(sysctl.status.success());

    let _listener = KillOnDrop(
        container
            .command(infrac_testkit::tool("python3"))
            .args(["-c", LISTENER, "8443", "9443"])
            .stdout(Stdio::null())
            .spawn()
            .expect("listener starts"),
    );
    let nft = infrac_testkit::tool("nft");
    let out = infrac_testkit::run(host.command(&nft).arg("-f").arg(&ruleset));
    assert!(
        out.status.success(),
        "nft -f: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Published ports, as the engine adds them after the host firewall is loaded.
    let nat = "table ip engine {\n\tchain prerouting {\n\t\ttype nat hook prerouting priority -100;\n\
               \t\tip daddr 10.78.20.11 tcp dport { 8443, 9443 } dnat to 172.30.0.2\n\t}\n}\n";
    let nat_file = dir.path().join("nat.nft");
    std::fs::write(&nat_file, nat).unwrap();
    let out = infrac_testkit::run(host.command(&nft).arg("-f").arg(&nat_file));
    assert!(
        out.status.success(),
        "nat: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The allowed flow reaches the container (bounded wait for the listener: 50 × 100 ms).
    let mut got = String::new();
    for _ in 0..50 {
        got = connect(&client, "10.78.10.10", "10.78.20.11", 8443);
        if got == "connected" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(got, "connected", "admin -> api:8443 through DNAT");
    // Published but not allowed, and allowed port from another source: dropped in forward.
    assert_eq!(
        connect(&client, "10.78.10.10", "10.78.20.11", 9443),
        "timeout"
    );
    assert_eq!(
        connect(&client, "10.78.10.11", "10.78.20.11", 8443),
        "timeout"
    );
}
