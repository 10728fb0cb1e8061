//! Live runs of generated configurations on loopback: HAProxy in front of small HTTP backends
//! (threads of this test), showing balancing, weights, failover after `fall × inter`, backup
//! servers, the flow matrix and the allow/deny lists at connection time, the rate limit, and
//! the metrics endpoint.
//!
//! Each test uses its own `127.X.N.0/24` (see `loopback_net`); HAProxy's frontend port, 80 in
//! the model, is moved to a free port in the generated text.

mod common;

use common::live::{
    RunningHaproxy, TestBackend, TlsBackend, accepted_then_closed, common_free_port, free_port,
    get, loopback_net, poll, run_bounded, server_status, sock, wait_until_serving,
};
use infrac_plugin_haproxy::Haproxy;
use infrac_testkit::{model_from_str, render, tempdir};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;

/// A site on `net` with a load-balancer host `lb1` (`net.10`) and application hosts
/// `app1`… (`net.71`…) running service `web` on `port`.
fn site(net: &str, apps: usize, port: u16) -> String {
    let hosts: String = (1..=apps)
        .map(|i| format!("  host app{i} {{ address apps {net}.{} }}\n", 70 + i))
        .collect();
    let on: Vec<String> = (1..=apps).map(|i| format!("app{i}")).collect();
    format!(
        r#"project live {{ domain "live.test" }}
site lo {{
  id 1
  zone lbs {{ vlan 10; subnet {net}.0/26 }}
  zone apps {{ vlan 11; subnet {net}.64/26 }}
  host lb1 {{ address lbs {net}.10 }}
{hosts}}}
service web {{ image "web:1"; port {port}; on [{}] }}
"#,
        on.join(", ")
    )
}

/// The addresses of `app1`…`appN` on `net`.
fn app_ips(net: &str, apps: usize) -> Vec<String> {
    (1..=apps).map(|i| format!("{net}.{}", 70 + i)).collect()
}

/// Renders `text`'s only haproxy.cfg, moves each `(vip, model port)` listener to a free port,
/// checks the result with `haproxy -c` and starts HAProxy; returns HAProxy and the listeners'
/// real addresses, in order.
fn launch(
    text: &str,
    listeners: &[(String, u16)],
    dir: &Path,
) -> (RunningHaproxy, Vec<SocketAddr>) {
    let model = model_from_str(text);
    let files = render::<Haproxy>(&model, "haproxy");
    assert_eq!(files.len(), 1);
    let mut cfg = String::from_utf8(files[0].contents.clone()).unwrap();
    let mut frontends = Vec::new();
    for (vip, model_port) in listeners {
        let port = free_port(vip);
        let bind = format!("bind {vip}:{model_port}");
        assert!(cfg.contains(&bind), "no `{bind}` in\n{cfg}");
        for end in ["\n", " "] {
            cfg = cfg.replace(&format!("{bind}{end}"), &format!("bind {vip}:{port}{end}"));
        }
        // With several listeners, the flow matrix is enforced per port.
        cfg = cfg.replace(
            &format!("dst_port {model_port}\n"),
            &format!("dst_port {port}\n"),
        );
        frontends.push(sock(vip, port));
    }
    let path = dir.join("haproxy.cfg");
    std::fs::write(&path, &cfg).unwrap();
    let (ok, output) = common::haproxy_check(&path);
    assert!(ok, "haproxy -c:\n{output}\n{cfg}");
    (RunningHaproxy::start(&path, dir), frontends)
}

/// `(vip, 80)` for each address.
fn http(vips: &[String]) -> Vec<(String, u16)> {
    vips.iter().map(|v| (v.clone(), 80)).collect()
}

/// Which backend answered each of `n` requests, counted by name; every answer must be a 200.
fn tally(frontend: SocketAddr, n: usize) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for i in 0..n {
        let a = get(frontend, "/").unwrap_or_else(|e| panic!("request {i}: {e}"));
        assert_eq!(a.status, 200, "request {i}: {a:?}");
        *counts.entry(a.body).or_insert(0) += 1;
    }
    counts
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// Polls until `n` consecutive requests are all answered by `only`; returns how many polls.
fn until_only(haproxy: &mut RunningHaproxy, frontend: SocketAddr, only: &str, n: usize) {
    let done = poll(50, || {
        haproxy.assert_running();
        (0..n)
            .all(|_| get(frontend, "/").is_ok_and(|a| a.status == 200 && a.body == only))
            .then_some(())
    });
    assert!(
        done.is_some(),
        "requests never all went to {only}:\n{}",
        haproxy.log()
    );
}

const CHECK: &str = r#"check { http "/healthz"; interval 100ms; fall 2; rise 1 }"#;

#[test]
fn roundrobin_splits_evenly_fails_over_and_recovers() {
    let net = loopback_net(1);
    let port = common_free_port(&app_ips(&net, 2));
    let stats = free_port(&format!("{net}.10"));
    let text = site(&net, 2, port)
        + &format!(
            "loadbalancer www {{ on [lb1]; vip {net}.20; algorithm roundrobin\n\
               backend web {{ {CHECK} }}; stats {stats} }}\n\
             allow internet -> www http\n\
             allow internet -> lb1 tcp/{stats}\n"
        );
    let dir = tempdir();
    let app1 = TestBackend::start("app1", &format!("{net}.71"), port);
    let mut app2 = TestBackend::start("app2", &format!("{net}.72"), port);
    let (mut haproxy, fe) = launch(&text, &http(&[format!("{net}.20")]), dir.path());
    let stats = sock(&format!("{net}.10"), stats);
    wait_until_serving(&mut haproxy, fe[0]);
    assert_eq!(tally(fe[0], 10), counts(&[("app1", 5), ("app2", 5)]));
    // fall 2 × inter 100ms: the health checks take app2 out within a few hundred ms.
    app2.kill();
    let down = poll(50, || {
        (server_status(stats, "www.web", "app2").as_deref() == Some("DOWN")).then_some(())
    });
    assert!(down.is_some(), "app2 never marked DOWN:\n{}", haproxy.log());
    assert_eq!(
        server_status(stats, "www.web", "app1").as_deref(),
        Some("UP")
    );
    until_only(&mut haproxy, fe[0], "app1", 5);
    // rise 1: back in the rotation after one good check.
    let _app2 = TestBackend::start("app2", &format!("{net}.72"), port);
    let up = poll(50, || {
        (server_status(stats, "www.web", "app2").as_deref() == Some("UP")).then_some(())
    });
    assert!(up.is_some(), "app2 never came back UP:\n{}", haproxy.log());
    let seen = tally(fe[0], 10);
    assert_eq!(seen.values().sum::<usize>(), 10);
    assert!(seen.get("app2").is_some_and(|n| *n >= 4), "{seen:?}");
    drop(app1);
}

#[test]
fn weights_one_to_three_give_two_and_six_of_eight() {
    let net = loopback_net(2);
    let port = common_free_port(&app_ips(&net, 2));
    let text = site(&net, 2, port)
        + &format!(
            "loadbalancer www {{ on [lb1]; vip {net}.20; algorithm roundrobin\n\
               backend web {{ weight app1 1; weight app2 3; {CHECK} }} }}\n\
             allow internet -> www http\n"
        );
    let dir = tempdir();
    let _app1 = TestBackend::start("app1", &format!("{net}.71"), port);
    let _app2 = TestBackend::start("app2", &format!("{net}.72"), port);
    let (mut haproxy, fe) = launch(&text, &http(&[format!("{net}.20")]), dir.path());
    // Wait without sending requests, so the weighted rotation starts from its beginning.
    let ready = poll(50, || {
        haproxy.assert_running();
        std::net::TcpStream::connect(fe[0]).ok()
    });
    assert!(ready.is_some(), "{}", haproxy.log());
    assert_eq!(tally(fe[0], 8), counts(&[("app1", 2), ("app2", 6)]));
}

#[test]
fn backup_serves_only_when_the_others_are_down() {
    let net = loopback_net(3);
    let port = common_free_port(&app_ips(&net, 3));
    let text = site(&net, 3, port)
        + &format!(
            "loadbalancer www {{ on [lb1]; vip {net}.20; algorithm leastconn\n\
               backend web {{ backup [app3]; {CHECK} }} }}\n\
             allow internet -> www http\n"
        );
    let dir = tempdir();
    let mut app1 = TestBackend::start("app1", &format!("{net}.71"), port);
    let mut app2 = TestBackend::start("app2", &format!("{net}.72"), port);
    let _app3 = TestBackend::start("app3", &format!("{net}.73"), port);
    let (mut haproxy, fe) = launch(&text, &http(&[format!("{net}.20")]), dir.path());
    wait_until_serving(&mut haproxy, fe[0]);
    let seen = tally(fe[0], 10);
    assert_eq!(
        seen.get("app3"),
        None,
        "the backup served while others were up: {seen:?}"
    );
    assert_eq!(seen.values().sum::<usize>(), 10);
    app1.kill();
    until_only(&mut haproxy, fe[0], "app2", 3);
    app2.kill();
    until_only(&mut haproxy, fe[0], "app3", 5);
}

#[test]
fn clients_rate_limit_and_metrics_on_one_host_with_five_load_balancers() {
    let net = loopback_net(4);
    let port = common_free_port(&app_ips(&net, 1));
    let stats = free_port(&format!("{net}.10"));
    // The client is 127.0.0.1: outside every zone, so "the internet".
    let text = site(&net, 1, port)
        + &format!(
            "loadbalancer open {{ on [lb1]; vip {net}.20; backend web {{}}; stats {stats} }}\n\
             loadbalancer closed {{ on [lb1]; vip {net}.21; backend web {{}} }}\n\
             loadbalancer denied {{ on [lb1]; vip {net}.22; backend web {{}}; deny [127.0.0.0/24] }}\n\
             loadbalancer unlisted {{ on [lb1]; vip {net}.23; backend web {{}}; allow [10.0.0.0/8] }}\n\
             loadbalancer limited {{ on [lb1]; vip {net}.24; backend web {{}}; rate {{ requests 5; per 10s }} }}\n\
             allow internet -> open http\n\
             allow lo.apps -> closed http {{ why \"only the application zone\" }}\n\
             allow internet -> denied http\n\
             allow internet -> unlisted http\n\
             allow internet -> limited http\n\
             allow internet -> lb1 tcp/{stats}\n"
        );
    let dir = tempdir();
    let _app1 = TestBackend::start("app1", &format!("{net}.71"), port);
    let vips: Vec<String> = (20..=24).map(|i| format!("{net}.{i}")).collect();
    let (mut haproxy, fe) = launch(&text, &http(&vips), dir.path());
    wait_until_serving(&mut haproxy, fe[0]);
    // The flow matrix lets only lo.apps reach `closed`; `denied` denies the client's /24;
    // `unlisted` allows only 10.0.0.0/8. Each refuses the connection without an answer.
    for (name, frontend) in [("closed", fe[1]), ("denied", fe[2]), ("unlisted", fe[3])] {
        let refused = accepted_then_closed(frontend);
        assert!(refused.is_ok(), "{name}: {refused:?}");
    }
    // 5 requests per 10s: five pass, the sixth gets 429.
    for i in 0..5 {
        let a = get(fe[4], "/").unwrap();
        assert_eq!((a.status, a.body.as_str()), (200, "app1"), "request {i}");
    }
    assert_eq!(get(fe[4], "/").unwrap().status, 429);
    // Prometheus metrics and the statistics page on the host's address.
    let metrics = get(sock(&format!("{net}.10"), stats), "/metrics").unwrap();
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .body
            .contains("haproxy_frontend_http_requests_total{proxy=\"limited\"}"),
        "{}",
        metrics.body
    );
    let page = get(sock(&format!("{net}.10"), stats), "/stats").unwrap();
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Statistics Report"), "{}", page.body);
}

#[test]
fn tls_terminates_redirects_and_reencrypts_to_verified_backends() {
    let net = loopback_net(5);
    let dir = tempdir();
    let (front, front_ca) = common::certificate(dir.path(), "www.live.test");
    let (trusted, backend_ca) = common::certificate(dir.path(), "backend.live.test");
    let (rogue, _) = common::certificate(dir.path(), "rogue.live.test");
    let port = common_free_port(&app_ips(&net, 2));
    let stats = free_port(&format!("{net}.10"));
    let text = site(&net, 2, port)
        + &format!(
            "loadbalancer www {{ on [lb1]; vip {net}.20\n\
               tls {{ cert \"{}\"; redirect true }}\n\
               backend web {{ {CHECK}; reencrypt {{ ca \"{}\" }} }}\n\
               stats {stats} }}\n\
             allow internet -> www https http\n\
             allow internet -> lb1 tcp/{stats}\n",
            front.display(),
            backend_ca.display()
        );
    // app1's certificate is signed by the CA the model names; app2's is not.
    let _app1 = TlsBackend::start("app1", &format!("{net}.71"), port, &trusted, dir.path());
    let _app2 = TlsBackend::start("app2", &format!("{net}.72"), port, &rogue, dir.path());
    let vip = format!("{net}.20");
    let (mut haproxy, fe) = launch(&text, &[(vip.clone(), 443), (vip.clone(), 80)], dir.path());
    let (https, http) = (fe[0], fe[1]);
    let stats = sock(&format!("{net}.10"), stats);
    // Verified re-encryption: the check over TLS keeps app1 and refuses app2.
    let checked = poll(50, || {
        haproxy.assert_running();
        let app1 = server_status(stats, "www.web", "app1")?;
        let app2 = server_status(stats, "www.web", "app2")?;
        (app1 == "UP" && app2 == "DOWN").then_some(())
    });
    assert!(
        checked.is_some(),
        "checks never settled:\n{}",
        haproxy.log()
    );
    // HTTPS with the model's certificate, answered by app1 only.
    for i in 0..4 {
        let (ok, out) = run_bounded(
            std::process::Command::new(infrac_testkit::tool("openssl"))
                .args(["s_client", "-quiet", "-verify_return_error"])
                .args([
                    "-servername",
                    "www.live.test",
                    "-verify_hostname",
                    "www.live.test",
                ])
                .arg("-CAfile")
                .arg(&front_ca)
                .arg("-connect")
                .arg(https.to_string()),
            b"GET /name HTTP/1.1\r\nHost: www.live.test\r\nConnection: close\r\n\r\n",
            50,
        );
        let answer = common::live::parse(&out);
        assert!(
            ok && answer
                .as_ref()
                .is_some_and(|a| a.status == 200 && a.body == "app1"),
            "HTTPS request {i}: {out:?}\n{}",
            haproxy.log()
        );
    }
    // Plain HTTP is redirected to HTTPS.
    let redirect = get(http, "/name").unwrap();
    assert_eq!(redirect.status, 301, "{redirect:?}");
    assert!(
        redirect
            .head
            .to_ascii_lowercase()
            .contains("location: https://live.test/name"),
        "{redirect:?}"
    );
}

#[test]
fn a_floating_vip_is_bound_before_it_arrives() {
    // lb2 of an HA pair, in a network namespace where only its own address exists: the VIP is
    // on lb1 for now. HAProxy must still start and listen on the VIP.
    let text = r#"project float { domain "float.test" }
site s {
  id 1
  zone services { vlan 10; subnet 10.77.0.0/24 }
  zone apps { vlan 11; subnet 10.77.1.0/24 }
  host lb1 { address services 10.77.0.11 }
  host lb2 { address services 10.77.0.12 }
  host app1 { address apps 10.77.1.11 }
}
service web { image "web:1"; port 8080; on [app1] }
loadbalancer www { on [lb1, lb2]; vip 10.77.0.100; backend web {}; stats 8404 }
ha www { vip 10.77.0.100; member lb1 { priority 150 }; member lb2 { priority 100 }; vrid 7 }
allow internet -> www http
"#;
    let model = model_from_str(text);
    let files = render::<Haproxy>(&model, "haproxy");
    let lb2 = files
        .iter()
        .find(|f| f.path == "haproxy/s/lb2/haproxy.cfg")
        .expect("lb2's file");
    let cfg = String::from_utf8(lb2.contents.clone()).unwrap();
    assert!(cfg.contains("bind 10.77.0.100:80 transparent\n"), "{cfg}");
    let ns = infrac_testkit::Netns::new("haproxy-float");
    ns.veth("eth0", "peer0", None);
    ns.ip(&["addr", "add", "10.77.0.12/24", "dev", "eth0"]);
    let dir = tempdir();
    let listening = |cfg: &str, name: &str| -> (bool, String) {
        let path = dir.path().join(name);
        std::fs::write(&path, cfg).unwrap();
        let mut cmd = ns.command(infrac_testkit::tool("haproxy"));
        cmd.arg("-db").arg("-f").arg(&path);
        let log = dir.path().join(format!("{name}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let child = cmd
            .stdin(std::process::Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        let mut haproxy = common::live::Guard(child);
        let up = poll(50, || {
            if let Ok(Some(_)) = haproxy.0.try_wait() {
                return Some(false);
            }
            let ss = infrac_testkit::run(ns.command("ss").args(["-ltnH"]));
            let text = String::from_utf8_lossy(&ss.stdout).into_owned();
            (text.contains("10.77.0.100:80") && text.contains("10.77.0.12:8404")).then_some(true)
        });
        drop(haproxy);
        (
            up == Some(true),
            std::fs::read_to_string(&log).unwrap_or_default(),
        )
    };
    let (up, log) = listening(&cfg, "transparent.cfg");
    assert!(
        up,
        "haproxy did not listen on the VIP and its own address:\n{log}\n{cfg}"
    );
    // Control: without `transparent` the same file cannot start on lb2.
    let (up, log) = listening(&cfg.replace(" transparent", ""), "plain.cfg");
    assert!(
        !up,
        "binding an absent VIP should fail without `transparent`"
    );
    assert!(log.contains("cannot bind socket"), "{log}");
}

/// (host, its IPv4 addresses, sockets it must listen on, sockets it must not).
type Case<'a> = (&'a str, &'a [&'a str], &'a [&'a str], &'a [&'a str]);

#[test]
fn svc_lbfarm_hosts_start_and_listen_on_every_vip_they_serve() {
    // tests/models/svc-lbfarm: lb-b serves two load balancers (www with TLS and redirect,
    // api-gw with TLS only, both floating VIPs, stats 8404 and 8405); lb-c serves a fixed IPv4
    // VIP (admin, which the host itself carries) and a floating IPv6 VIP (www6). Each generated
    // file, with real certificates, starts in a namespace holding only the host's own addresses
    // and listens on exactly the modelled sockets.
    let dir = tempdir();
    let mut model =
        infrac_testkit::model_of(&infrac_testkit::repo_root().join("tests/models/svc-lbfarm"));
    let (pem, ca) = common::certificate(dir.path(), "lbfarm.test");
    common::use_files(&mut model, &pem, &ca);
    let files = render::<Haproxy>(&model, "haproxy");
    let cases: [Case; 2] = [
        (
            "lb-b",
            &["10.30.2.12/24"],
            &[
                "10.30.2.100:443",
                "10.30.2.100:80",
                "10.30.2.101:443",
                "10.30.2.12:8404",
                "10.30.2.12:8405",
            ],
            &["10.30.2.101:80"],
        ),
        (
            "lb-c",
            &["10.30.2.13/24", "10.30.2.102/24"],
            &[
                "10.30.2.102:80",
                "[2001:db8:30:2::100]:80",
                "10.30.2.13:8404",
                "10.30.2.13:8406",
            ],
            &["10.30.2.102:443"],
        ),
    ];
    for (host, v4, listens, absent) in cases {
        let file = files
            .iter()
            .find(|f| f.path == format!("haproxy/east/{host}/haproxy.cfg"))
            .unwrap_or_else(|| panic!("{host}'s file"));
        let path = dir.path().join(format!("{host}.cfg"));
        std::fs::write(&path, &file.contents).unwrap();
        let ns = infrac_testkit::Netns::new(&format!("hap-{host}"));
        ns.veth("eth0", "peer0", None);
        ns.veth("eth1", "peer1", None);
        for a in v4 {
            ns.ip(&["addr", "add", a, "dev", "eth0"]);
        }
        let v6 = if host == "lb-b" {
            "2001:db8:30:2::12/64"
        } else {
            "2001:db8:30:2::13/64"
        };
        ns.ip(&["addr", "add", v6, "dev", "eth1", "nodad"]);
        let log = dir.path().join(format!("{host}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let child = ns
            .command(infrac_testkit::tool("haproxy"))
            .arg("-db")
            .arg("-f")
            .arg(&path)
            .stdin(std::process::Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        let mut haproxy = common::live::Guard(child);
        let mut sockets = String::new();
        let up = poll(50, || {
            if let Ok(Some(_)) = haproxy.0.try_wait() {
                return Some(false);
            }
            let ss = infrac_testkit::run(ns.command("ss").args(["-ltnH"]));
            sockets = String::from_utf8_lossy(&ss.stdout).into_owned();
            listens
                .iter()
                .all(|l| sockets.contains(&format!("{l} ")))
                .then_some(true)
        });
        drop(haproxy);
        let text = String::from_utf8_lossy(&file.contents);
        assert_eq!(
            up,
            Some(true),
            "{host}: not listening on all of {listens:?}:\n{sockets}\n{}\n{text}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        for a in absent {
            assert!(
                !sockets.contains(&format!("{a} ")),
                "{host}: {a}\n{sockets}"
            );
        }
    }
}
