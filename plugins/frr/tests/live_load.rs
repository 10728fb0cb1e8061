//! Every generated frr.conf, loaded into running FRR daemons (zebra, ospfd, and staticd when
//! the file has static routes) in a network namespace of its own with a veth per `interface`
//! the file names: `vtysh -f` must succeed (rc 13 on a semantic error only a live load sees,
//! such as `network … area` mixed with `ip ospf area`), and `show running-config` must hold
//! every generated block line for line.

mod common;

use common::{Conf, FrrNode, config_of, daemons_for, interface_names, stub_interface};
use infrac_plugin_frr::Frr;
use infrac_sdk::{Backend, Model};
use infrac_testkit::Netns;
use infrac_testkit::substitute_secrets as substitute;

/// Loads `config` into fresh daemons and compares the running config with it.
fn load_and_compare(tag: &str, config: &str) {
    let ns = Netns::new(tag);
    for (k, name) in interface_names(config).iter().enumerate() {
        stub_interface(&ns, name, &format!("stub{k}"));
    }
    let node = FrrNode::start(ns, &daemons_for(config));
    let out = node.load(config);
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{tag}: vtysh -f: rc {:?}\nstdout: {}\nstderr: {}\nconfig:\n{config}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    let running = node.running_config();
    assert_reflects(tag, config, &running);
}

/// Every block of `config` is in `running` line for line, no other interface is configured,
/// and every global line took effect.
fn assert_reflects(tag: &str, config: &str, running: &str) {
    let want = Conf::parse(config);
    let got = Conf::parse(running);
    let interfaces = |c: &Conf| -> Vec<String> {
        c.blocks
            .keys()
            .filter(|k| k.starts_with("interface "))
            .cloned()
            .collect()
    };
    assert_eq!(
        interfaces(&want),
        interfaces(&got),
        "{tag}: interface blocks\n{running}"
    );
    for (header, lines) in &want.blocks {
        assert_eq!(
            Some(lines),
            got.blocks.get(header),
            "{tag}: `{header}` as loaded differs\n{running}"
        );
    }
    for line in &want.top {
        match line.as_str() {
            // Each daemon keeps its own hostname; vtysh -f does not reach them all, so the
            // merged running config may list the machine's. Not a property of the file.
            l if l.starts_with("hostname ") => {}
            // On, forwarding is the default and not listed; off, it shows as `no …`.
            "ip forwarding" | "ipv6 forwarding" => assert!(
                !got.top.contains(&format!("no {line}")),
                "{tag}: `{line}` did not take effect\n{running}"
            ),
            _ => assert!(
                got.top.contains(line),
                "{tag}: `{line}` is not in the running config\n{running}"
            ),
        }
    }
}

fn units(model: &Model) -> Vec<String> {
    Frr::units(model, "frr")
}

#[test]
fn every_corpus_config_loads_into_frr() {
    let secret = common::test_secret();
    let mut loaded = 0;
    for (name, dir) in infrac_testkit::corpus("FRR") {
        let model = infrac_testkit::model_of(&dir);
        for unit in units(&model) {
            let config = substitute(&config_of(&model, &unit), &secret);
            load_and_compare(&format!("frrload-{name}-{unit}"), &config);
            loaded += 1;
        }
    }
    assert!(loaded >= 2, "protech's fw1 and fw2 at least");
}

#[test]
fn lab_configs_load_into_frr() {
    // Addresses, a static default route (staticd) and redistribution, beyond the examples.
    let secret = common::test_secret();
    let model = infrac_testkit::model_from_str(&common::lab_source(true));
    assert_eq!(units(&model), ["re", "rw"]);
    for unit in units(&model) {
        let config = substitute(&config_of(&model, &unit), &secret);
        load_and_compare(&format!("frrload-lab-{unit}"), &config);
    }
}

#[test]
fn a_live_load_refuses_what_vtysh_m_accepts() {
    // The gate catches semantic errors: `network … area` beside `ip ospf area` passes the
    // syntax check but is refused by a running ospfd.
    let model = infrac_testkit::model_from_str(&common::lab_source(false));
    let config = config_of(&model, "rw").replace(
        "router ospf\n",
        "router ospf\n network 10.2.20.0/24 area 0.0.0.0\n",
    );
    let ns = Netns::new("frrload-mixed");
    for (k, name) in interface_names(&config).iter().enumerate() {
        stub_interface(&ns, name, &format!("stub{k}"));
    }
    let node = FrrNode::start(ns, &daemons_for(&config));
    let out = node.load(&config);
    assert_eq!(
        out.status.code(),
        Some(13),
        "vtysh -f accepted mixed area styles"
    );
}

#[test]
fn the_comparison_sees_a_difference() {
    let config = "frr defaults traditional\nlog syslog informational\n!\ninterface eth0\n ip ospf area 0.0.0.0\n ip ospf passive\nexit\n!\n";
    let same = "frr version 8.4.4\nfrr defaults traditional\nlog syslog informational\n!\ninterface eth0\n ip ospf area 0.0.0.0\n ip ospf passive\nexit\n!\nend\n";
    assert_reflects("same", config, same);
    let dropped = same.replace(" ip ospf passive\n", "");
    let extra = same.replace("exit\n!\nend", "exit\n!\ninterface eth1\nexit\n!\nend");
    let no_log = same.replace("log syslog informational\n", "");
    for running in [dropped, extra, no_log] {
        let differs = std::panic::catch_unwind(|| assert_reflects("differs", config, &running));
        assert!(differs.is_err(), "not told apart:\n{running}");
    }
}
