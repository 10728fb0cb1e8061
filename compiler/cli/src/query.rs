//! `infrac query`: whether traffic from A to B is allowed, and what decides it.

use crate::{FAILURE, Format, INVALID, load_and_check};
use infrac_check::Checked;
use infrac_flows::{Verdict, render::provenance_text};
use std::io::Write;
use std::path::Path;

/// Runs the query; exit 0 when every answer is "allowed", 1 when any is denied or partly
/// allowed (so scripts can gate on it), 2 on usage errors.
pub(crate) fn run(path: &Path, from: &str, to: &str, ports: &[String]) -> u8 {
    let parsed = (|| {
        let from = infrac_check::parse_selector(from)?;
        let to = infrac_check::parse_selector(to)?;
        let mut services = Vec::new();
        for p in ports {
            services.extend(infrac_check::parse_services(p)?);
        }
        Ok::<_, String>((from, to, services))
    })();
    let (from, to, services) = match parsed {
        Ok(q) => q,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILURE;
        }
    };
    let model = match load_and_check(path, &[], Format::Human) {
        Ok((Checked { model: Some(m), .. }, _)) => m,
        Ok(_) => return INVALID,
        Err(code) => return code,
    };
    let answers = match infrac_flows::query(&model, &model.flows, &from, &to, &services) {
        Ok(a) => a,
        Err(d) => {
            eprintln!("error: {}", d.message);
            if let Some(help) = &d.help {
                eprintln!("  help: {help}");
            }
            return FAILURE;
        }
    };
    let mut out = String::new();
    for a in &answers {
        let service = a
            .service
            .as_ref()
            .map_or_else(String::new, |s| format!(" {s}"));
        // Without a service, the question is which services are allowed.
        let mut allowed: Vec<String> = a.flows.iter().map(|f| f.service.to_string()).collect();
        allowed.dedup();
        let verdict = match (a.verdict.clone(), &a.service) {
            (Verdict::Allowed, None) => format!("allowed on {}", allowed.join(" ")),
            (Verdict::Allowed, Some(_)) => "allowed".to_string(),
            (Verdict::Partly, _) => "partly allowed".to_string(),
            (Verdict::Denied, _) => "denied".to_string(),
        };
        out.push_str(&format!(
            "{} -> {}{service}: {verdict}\n",
            a.from.name, a.to.name
        ));
        match a.verdict {
            Verdict::Denied => out.push_str(
                "  no rule or model element allows it (nothing is reachable unless allowed)\n",
            ),
            _ => {
                for f in &a.flows {
                    let how = if a.verdict == Verdict::Partly {
                        "overlaps"
                    } else {
                        "by"
                    };
                    out.push_str(&format!(
                        "  {how} {}: {} -> {} {}\n",
                        provenance_text(&f.provenance),
                        f.from.name,
                        f.to.name,
                        f.service
                    ));
                }
            }
        }
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    if answers.iter().all(|a| a.verdict == Verdict::Allowed) {
        0
    } else {
        INVALID
    }
}
