//! The compose backend's diagnostics: each fires at its IR path.

use infrac_plugin_compose::Compose;
use infrac_sdk::{Backend, Severity, Target};

fn model(replicas: u32, port: u16) -> infrac_sdk::Model {
    infrac_testkit::model_from_str(&format!(
        r#"project p {{ domain "p.test" }}
site s {{
  id 1
  zone apps {{ vlan 10; subnet 10.9.0.0/24 }}
  host run1 {{ address apps 10.9.0.11 }}
}}
service solo {{ image "solo:1"; port 7000; on [run1] }}
service web {{ image "web:1"; port {port}; on [run1]; replicas {replicas} }}
"#
    ))
}

#[test]
fn extra_replicas_are_rendered_and_reported_as_unreached() {
    let m = model(3, 8080);
    let web = m.services.iter().position(|s| s.name == "web").unwrap();
    let (files, warnings) =
        Compose::compile_with_warnings(&m, &Target::unit("compose", "run1")).expect("compiles");
    let text = String::from_utf8(files[0].contents.clone()).unwrap();
    assert!(text.contains("\"10.9.0.11:8080-8082:8080\""), "{text}");
    assert!(text.contains("replicas: 3"), "{text}");
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let w = &warnings[0];
    assert_eq!(
        (w.code.as_str(), w.severity, w.ir_path.clone()),
        (
            "COMPOSE003",
            Severity::Warning,
            format!("/services/{web}/replicas")
        )
    );
    assert!(w.message.contains("8081-8082"), "{}", w.message);
    // One copy per host: nothing to report.
    let m = model(1, 8080);
    let (_, warnings) =
        Compose::compile_with_warnings(&m, &Target::unit("compose", "run1")).expect("compiles");
    assert!(warnings.is_empty(), "{warnings:#?}");
}

#[test]
fn replicas_beyond_the_last_port_are_refused() {
    // 65534 and 65535 exist; a third copy would publish 65536, which docker rejects.
    let ok = model(2, 65534);
    assert!(Compose::compile(&ok, &Target::unit("compose", "run1")).is_ok());
    let m = model(3, 65534);
    let web = m.services.iter().position(|s| s.name == "web").unwrap();
    let errors = Compose::compile(&m, &Target::unit("compose", "run1")).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        (errors[0].code.as_str(), errors[0].ir_path.clone()),
        ("COMPOSE004", format!("/services/{web}/replicas"))
    );
    assert!(errors[0].message.contains("65536"), "{}", errors[0].message);
}

#[test]
fn an_ipv6_host_address_is_bracketed() {
    let m = infrac_testkit::model_from_str(
        r#"project p { domain "p.test" }
site s {
  id 1
  zone apps6 { vlan 10; subnet fd00:9::/64 }
  host run6 { address apps6 fd00:9::11 }
}
service web { image "web:1"; port 8443; on [run6]; replicas 2 }
"#,
    );
    let files = Compose::compile(&m, &Target::unit("compose", "run6")).expect("compiles");
    let text = String::from_utf8(files[0].contents.clone()).unwrap();
    assert!(
        text.contains("- \"[fd00:9::11]:8443-8444:8443\"\n"),
        "{text}"
    );
}
