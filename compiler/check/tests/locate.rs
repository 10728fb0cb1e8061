//! IR paths in plugin diagnostics lead back to the line the user wrote.

use infrac_diag::{FileId, SourceMap};

const MODEL: &str = r#"project t { domain "t.example" }

site s {
  id 1
  zone services { vlan 11; subnet 192.168.11.0/24 }
  zone apps { vlan 12; subnet 192.168.12.0/24 }
  host lb1 { address services 192.168.11.11 }
  host lb2 { address services 192.168.11.12 }
  host web1 { address apps 192.168.12.11 }
}

service web { image "web:1"; port 8080; on [web1] }

ha www {
  vip 192.168.11.100
  member lb1 { priority 150 }
  member lb2 { priority 100 }
  vrid 7
}

monitoring {
  server web
  alert host_down { for 1m }
  alert cpu { above 90%; for 10m }
}

allow s.services -> s.apps tcp/8080 { why "test" }
"#;

/// The 1-based line of the span a pointer locates.
fn line_of(pointer: &str) -> Option<u32> {
    let mut sources = SourceMap::new();
    let id: FileId = sources.add("site.infra", MODEL);
    let (file, diags) = infrac_syntax::parse(id, MODEL);
    assert!(diags.is_empty(), "{diags:?}");
    let checked = infrac_check::check(
        &sources,
        &[(id, &file)],
        &infrac_check::CheckOptions::default(),
    );
    let model = checked
        .model
        .as_ref()
        .unwrap_or_else(|| panic!("{:#?}", checked.diagnostics));
    let span = checked.spans.locate(model, pointer)?;
    Some(sources.locate(span).1.line)
}

fn flow_index(reason: &str) -> usize {
    let mut sources = SourceMap::new();
    let id = sources.add("site.infra", MODEL);
    let (file, _) = infrac_syntax::parse(id, MODEL);
    let checked = infrac_check::check(
        &sources,
        &[(id, &file)],
        &infrac_check::CheckOptions::default(),
    );
    let model = checked.model.expect("checks");
    let json = serde_json::to_value(&model.flows).expect("json");
    json.as_array()
        .expect("array")
        .iter()
        .position(|f| f["provenance"]["reason"] == reason)
        .unwrap_or_else(|| panic!("no {reason} flow"))
}

#[test]
fn top_level_elements() {
    assert_eq!(line_of("/hosts/0"), Some(7));
    assert_eq!(line_of("/services/0/port"), Some(12));
    assert_eq!(line_of("/ha_groups/0/members/1"), Some(14));
}

#[test]
fn nested_elements_with_an_origin() {
    // Alerts are sorted by kind: host_down before cpu.
    assert_eq!(line_of("/monitoring/alerts/0"), Some(23));
    assert_eq!(line_of("/monitoring/alerts/1/for_ms"), Some(24));
    assert_eq!(line_of("/monitoring/interval_ms"), Some(21));
}

#[test]
fn flows_lead_to_what_allowed_them() {
    assert_eq!(line_of(&format!("/flows/{}", flow_index("rule"))), Some(27));
    assert_eq!(
        line_of(&format!("/flows/matrix/{}", flow_index("rule"))),
        Some(27),
        "the IR's own path to a flow"
    );
    assert_eq!(
        line_of(&format!("/flows/{}/service", flow_index("ha"))),
        Some(14)
    );
}

#[test]
fn paths_that_name_nothing() {
    assert_eq!(line_of("/hosts/99"), None);
    assert_eq!(line_of("/nothing/0"), None);
    assert_eq!(line_of(""), None);
}
