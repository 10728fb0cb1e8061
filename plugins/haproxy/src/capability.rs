//! What HAProxy cannot express exactly: each case is an error at the most specific IR path,
//! never a silent change of meaning. The codes are listed in the crate documentation.

use crate::syntax::{MAX_DURATION_MS, duration, is_plain_name, is_plain_word};
use infrac_sdk::{Diagnostic, LoadBalancer};

/// Several backends in one load balancer.
pub const MANY_BACKENDS: &str = "HAPROXY002";
/// A TCP health check that expects an HTTP status.
pub const TCP_CHECK_WITH_STATUS: &str = "HAPROXY003";
/// Text that cannot be one word of haproxy.cfg.
pub const NOT_A_WORD: &str = "HAPROXY004";
/// A duration outside HAProxy's timer range.
pub const DURATION_RANGE: &str = "HAPROXY005";
/// A number outside HAProxy's range.
pub const NUMBER_RANGE: &str = "HAPROXY007";

/// The problems of load balancer `lb` (at `/load_balancers/INDEX`) that no haproxy.cfg can
/// express exactly.
pub fn check_load_balancer(index: usize, lb: &LoadBalancer) -> Vec<Diagnostic> {
    let at = format!("/load_balancers/{index}");
    let mut out = Vec::new();
    if lb.backends.len() > 1 {
        out.push(Diagnostic::error(
            MANY_BACKENDS,
            format!("{at}/backends/1"),
            format!(
                "load balancer `{}` has {} backends, but nothing in the model says which \
                 requests go to which: HAProxy would send every request to one of them",
                lb.name,
                lb.backends.len()
            ),
        ));
    }
    name(&mut out, &format!("{at}/name"), "load balancer", &lb.name);
    if let Some(tls) = &lb.tls {
        word(
            &mut out,
            &format!("{at}/tls/cert"),
            "certificate path",
            &tls.cert,
        );
    }
    if let Some(m) = lb.maxconn.filter(|m| *m == 0) {
        out.push(Diagnostic::error(
            NUMBER_RANGE,
            format!("{at}/maxconn"),
            format!("maxconn {m}: HAProxy needs at least one connection"),
        ));
    }
    let t = &lb.timeouts;
    timer(
        &mut out,
        &format!("{at}/timeouts/connect_ms"),
        "connect timeout",
        t.connect_ms,
    );
    timer(
        &mut out,
        &format!("{at}/timeouts/client_ms"),
        "client timeout",
        t.client_ms,
    );
    timer(
        &mut out,
        &format!("{at}/timeouts/server_ms"),
        "server timeout",
        t.server_ms,
    );
    if let Some(r) = &lb.rate_limit {
        timer(
            &mut out,
            &format!("{at}/rate_limit/period_ms"),
            "rate limit period",
            r.period_ms,
        );
    }
    for (b, backend) in lb.backends.iter().enumerate() {
        let at = format!("{at}/backends/{b}");
        name(&mut out, &format!("{at}/name"), "backend", &backend.name);
        if let Some(check) = &backend.check {
            let at = format!("{at}/check");
            match (&check.http, check.expect) {
                (Some(path), _) => word(&mut out, &format!("{at}/http"), "health check path", path),
                (None, Some(status)) => out.push(Diagnostic::error(
                    TCP_CHECK_WITH_STATUS,
                    format!("{at}/expect"),
                    format!(
                        "the health check of backend `{}` is a TCP connect but expects HTTP \
                         status {status}: HAProxy cannot check a status without an HTTP \
                         request; give the check an `http` path or drop `expect`",
                        backend.name
                    ),
                )),
                (None, None) => {}
            }
            timer(
                &mut out,
                &format!("{at}/interval_ms"),
                "health check interval",
                check.interval_ms,
            );
            timer(
                &mut out,
                &format!("{at}/timeout_ms"),
                "health check timeout",
                check.timeout_ms,
            );
            for (key, what, value) in [
                ("retries", "fall", check.retries),
                ("rise", "rise", check.rise),
            ] {
                if value == 0 {
                    out.push(Diagnostic::error(
                        NUMBER_RANGE,
                        format!("{at}/{key}"),
                        format!("health check `{what} 0`: HAProxy needs at least 1"),
                    ));
                }
            }
        }
        if let Some(re) = &backend.reencrypt {
            word(
                &mut out,
                &format!("{at}/reencrypt/ca"),
                "CA file path",
                &re.ca,
            );
        }
        for (s, server) in backend.servers.iter().enumerate() {
            name(
                &mut out,
                &format!("{at}/servers/{s}/host"),
                "server",
                &server.host,
            );
            if server.weight > 256 {
                out.push(Diagnostic::error(
                    NUMBER_RANGE,
                    format!("{at}/servers/{s}/weight"),
                    format!(
                        "server `{}` has weight {}: HAProxy weights range from 0 to 256",
                        server.host, server.weight
                    ),
                ));
            }
        }
    }
    out
}

/// An error unless `text` is one plain haproxy.cfg word.
pub fn word(out: &mut Vec<Diagnostic>, at: &str, what: &str, text: &str) {
    if !is_plain_word(text) {
        out.push(Diagnostic::error(
            NOT_A_WORD,
            at,
            format!(
                "{what} {text:?} cannot be written in haproxy.cfg as it is: it must be \
                 non-empty, without spaces, control characters, `#`, quotes, `\\` or `$`"
            ),
        ));
    }
}

/// An error unless `text` is a plain name (it becomes a section or server name).
fn name(out: &mut Vec<Diagnostic>, at: &str, what: &str, text: &str) {
    if !is_plain_name(text) {
        out.push(Diagnostic::error(
            NOT_A_WORD,
            at,
            format!(
                "{what} name {text:?} cannot be an HAProxy section or server name as it is: \
                 it must be letters, digits, `_` and `-`"
            ),
        ));
    }
}

/// An error unless `ms` is a duration HAProxy's timers hold (1 ms to ~24.8 days).
fn timer(out: &mut Vec<Diagnostic>, at: &str, what: &str, ms: u64) {
    if ms == 0 || ms > MAX_DURATION_MS {
        out.push(Diagnostic::error(
            DURATION_RANGE,
            at,
            format!(
                "{what} of {}: HAProxy's timers range from 1ms to {MAX_DURATION_MS}ms \
                 (~24.8 days)",
                duration(ms)
            ),
        ));
    }
}
