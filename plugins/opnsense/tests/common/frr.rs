//! The OSPF part of a config.xml, loaded into real FRR the way os-frr does.
//!
//! OPNsense cannot run here, but os-frr runs FRR: its template (`ospfd.conf` in opnsense/
//! plugins, `net/frr/src/opnsense/service/templates/OPNsense/Quagga/Config/`) turns the
//! `<OPNsense><quagga><ospf>` records into FRR commands. [`frr_conf`] follows that template for
//! the fields the backend writes; [`Firewall`] brings up a firewall's interfaces from
//! `<interfaces>` in a network namespace of the test, and runs zebra and ospfd there with that
//! configuration.

use infrac_testkit::poll;
use infrac_testkit::{Netns, run, tool};
use roxmltree::{Document, Node};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name(name))
}

fn text<'a>(n: Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(n, name).and_then(|c| c.text()).map(str::trim)
}

fn items<'a, 'i>(n: Option<Node<'a, 'i>>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> {
    n.into_iter()
        .flat_map(|n| n.children())
        .filter(move |c| c.has_tag_name(name))
}

/// One assigned interface: its device and address.
#[derive(Clone, Debug)]
pub struct Iface {
    pub device: String,
    pub address: Option<String>,
}

/// `<interfaces>` by identifier, and the VLAN devices (`vlanif` → (parent, tag)).
pub fn interfaces(xml: &str) -> (BTreeMap<String, Iface>, BTreeMap<String, (String, String)>) {
    let doc = Document::parse(xml).expect("well-formed");
    let root = doc.root_element();
    let ifaces = child(root, "interfaces")
        .into_iter()
        .flat_map(|n| n.children())
        .filter(|n| n.is_element())
        .map(|i| {
            let address = text(i, "ipaddr")
                .zip(text(i, "subnet"))
                .map(|(a, s)| format!("{a}/{s}"));
            (
                i.tag_name().name().to_string(),
                Iface {
                    device: text(i, "if").unwrap_or_default().to_string(),
                    address,
                },
            )
        })
        .collect();
    let vlans = items(child(root, "vlans"), "vlan")
        .map(|v| {
            (
                text(v, "vlanif").unwrap_or_default().to_string(),
                (
                    text(v, "if").unwrap_or_default().to_string(),
                    text(v, "tag").unwrap_or_default().to_string(),
                ),
            )
        })
        .collect();
    (ifaces, vlans)
}

/// The frr.conf os-frr's template writes for the `<quagga>` section of `xml`.
pub fn frr_conf(xml: &str) -> String {
    let doc = Document::parse(xml).expect("well-formed");
    let root = doc.root_element();
    let (ifaces, _) = interfaces(xml);
    let ospf = child(root, "OPNsense")
        .and_then(|o| child(o, "quagga"))
        .and_then(|q| child(q, "ospf"))
        .expect("an ospf section");
    assert_eq!(text(ospf, "enabled"), Some("1"));
    let areas: BTreeMap<String, String> = items(child(ospf, "areas"), "area")
        .filter(|a| text(*a, "enabled") == Some("1"))
        .map(|a| {
            (
                a.attribute("uuid").unwrap_or_default().to_string(),
                text(a, "id").unwrap_or_default().to_string(),
            )
        })
        .collect();
    let mut out = String::from("frr defaults traditional\n");
    for i in items(child(ospf, "interfaces"), "interface") {
        if text(i, "enabled") != Some("1") {
            continue;
        }
        let name = text(i, "interfacename").unwrap_or_default();
        let device = &ifaces.get(name).expect("a defined interface").device;
        out.push_str(&format!("interface {device}\n"));
        if text(i, "passive") == Some("1") {
            out.push_str("  ip ospf passive\n");
        }
        if let Some(t) = text(i, "networktype") {
            out.push_str(&format!("  ip ospf network {t}\n"));
        }
        if text(i, "authtype") == Some("message-digest") {
            out.push_str("  ip ospf authentication message-digest\n");
            let id = text(i, "authkey_id").unwrap_or("1");
            let key = text(i, "authkey").unwrap_or_default();
            out.push_str(&format!("  ip ospf message-digest-key {id} md5 {key}\n"));
        }
        if let Some(area) = text(i, "area").and_then(|u| areas.get(u)) {
            out.push_str(&format!("  ip ospf area {area}\n"));
        }
        for (field, directive) in [
            ("cost", "cost"),
            ("deadinterval", "dead-interval"),
            ("hellointerval", "hello-interval"),
        ] {
            if let Some(v) = text(i, field) {
                out.push_str(&format!("  ip ospf {directive} {v}\n"));
            }
        }
    }
    out.push_str("router ospf\n");
    if let Some(id) = text(ospf, "routerid") {
        out.push_str(&format!(" ospf router-id {id}\n"));
    }
    for r in items(child(ospf, "redistributions"), "redistribution") {
        if text(r, "enabled") == Some("1") {
            out.push_str(&format!(
                " redistribute {}\n",
                text(r, "redistribute").unwrap_or_default()
            ));
        }
    }
    out
}

/// A firewall's interfaces and FRR in a namespace of the test. Dropping it kills the daemons
/// and deletes the namespace (the namespace's own drop), then removes the directory.
pub struct Firewall {
    /// The namespace (dropped first: its drop kills every process inside).
    pub ns: Netns,
    vty: PathBuf,
    dir: PathBuf,
    _dir: Box<dyn std::any::Any>,
}

impl Firewall {
    /// A namespace for the firewall, `tag` unique per test.
    pub fn new(tag: &str) -> Firewall {
        let guard = infrac_testkit::tempdir();
        let dir = guard.path().to_path_buf();
        let vty = dir.join("run");
        std::fs::create_dir(&vty).expect("vty directory");
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dir).expect("stat").permissions().mode();
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode | 0o001))
                .expect("chmod o+x");
        }
        let out = run(Command::new("chown").arg("frr:frr").arg(&vty));
        assert!(out.status.success(), "chown frr:frr");
        Firewall {
            ns: Netns::new(tag),
            vty,
            dir,
            _dir: Box::new(guard),
        }
    }

    /// Brings up the interfaces of `xml`: every device an interface runs on is a veth, its
    /// peer in `joined` when the port is joined to another firewall, else a local stub. A VLAN
    /// device (`vlan0.N`, defined in `<vlans>`) is a stub veth of that name: this kernel
    /// cannot create 802.1Q devices, and OSPF needs only the addressed interface. Addresses
    /// come from `<interfaces>`.
    pub fn interfaces(&self, xml: &str, joined: &BTreeMap<String, (&Firewall, String)>) {
        let (ifaces, vlans) = interfaces(xml);
        for (k, i) in ifaces.values().enumerate() {
            if i.device.starts_with("vlan") {
                assert!(
                    vlans.contains_key(&i.device),
                    "{} is not in <vlans>",
                    i.device
                );
            }
            match joined.get(&i.device) {
                Some((other, their_port)) => {
                    let exists = run(Command::new("ip").args([
                        "-n",
                        other.ns.name(),
                        "link",
                        "show",
                        their_port,
                    ]));
                    if !exists.status.success() {
                        self.ns.ip(&[
                            "link",
                            "add",
                            &i.device,
                            "type",
                            "veth",
                            "peer",
                            "name",
                            their_port,
                            "netns",
                            other.ns.name(),
                        ]);
                        other.ns.ip(&["link", "set", their_port, "up"]);
                    }
                    self.ns.ip(&["link", "set", &i.device, "up"]);
                }
                None => self.ns.veth(&i.device, &format!("stub{k}"), None),
            }
            if let Some(a) = &i.address {
                self.ns.ip(&["addr", "add", a, "dev", &i.device]);
            }
        }
    }

    /// Starts zebra and ospfd (VALIDATION.md's flags) and loads `conf` with `vtysh -f`.
    pub fn run_frr(&self, conf: &str) -> Output {
        let vty = self.vty.display().to_string();
        for daemon in ["zebra", "ospfd"] {
            let log = std::fs::File::create(self.dir.join(format!("{daemon}.log"))).expect("log");
            let status = self
                .ns
                .command(tool(daemon))
                .args([
                    "-d",
                    "-F",
                    "traditional",
                    "-f",
                    "/dev/null",
                    "--vty_socket",
                    &vty,
                ])
                .args([
                    "-z",
                    &format!("{vty}/zserv.api"),
                    "-i",
                    &format!("{vty}/{daemon}.pid"),
                ])
                .args(["-A", "127.0.0.1", "-P", "0"])
                .stdin(Stdio::null())
                .stdout(Stdio::from(log.try_clone().expect("log")))
                .stderr(Stdio::from(log))
                .status()
                .expect("start the daemon");
            assert!(status.success(), "{daemon} did not start");
            let socket = self.vty.join(format!("{daemon}.vty"));
            assert!(
                poll(Duration::from_secs(5), || socket.exists()),
                "{daemon}: no vty socket"
            );
        }
        let file = self.dir.join("frr.conf");
        std::fs::write(&file, conf).expect("frr.conf");
        self.vtysh(&["-f", &file.display().to_string()])
    }

    /// `vtysh ARGS` against this firewall's daemons.
    pub fn vtysh(&self, args: &[&str]) -> Output {
        run(self
            .ns
            .command(tool("vtysh"))
            .arg("--vty_socket")
            .arg(&self.vty)
            .args(args))
    }

    /// The text of a `show` command.
    pub fn show(&self, command: &str) -> String {
        String::from_utf8_lossy(&self.vtysh(&["-c", command]).stdout).into_owned()
    }

    /// The kernel's OSPF routes.
    pub fn ospf_routes(&self) -> String {
        let out =
            run(Command::new("ip").args(["-n", self.ns.name(), "route", "show", "proto", "ospf"]));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// A secret value for this test run (16 hex digits: FRR's longest MD5 key), never committed.
pub fn test_secret(salt: &str) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write(salt.as_bytes());
    h.write_u32(std::process::id());
    format!("{:016x}", h.finish())
}
