//! Live runs on loopback: tiny HTTP backends in threads, an HTTP client, HAProxy as a child
//! process stopped on drop, and every wait a bounded poll.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// `127.X.N`: a /24 of loopback for scenario `n` of this test process, so that parallel tests
/// and parallel test runs do not share addresses.
pub fn loopback_net(n: u8) -> String {
    format!("127.{}.{n}", 20 + std::process::id() % 200)
}

/// A port that is free on `ip` right now.
pub fn free_port(ip: &str) -> u16 {
    TcpListener::bind((ip, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port on {ip}: {e}"))
}

/// A port free on every address of `ips` (servers of one backend share a port).
pub fn common_free_port(ips: &[String]) -> u16 {
    for _ in 0..50 {
        let port = free_port(&ips[0]);
        if ips
            .iter()
            .all(|ip| TcpListener::bind((ip.as_str(), port)).is_ok())
        {
            return port;
        }
    }
    panic!("no port free on all of {ips:?}")
}

/// An HTTP server in a thread that answers every request with its own name, until stopped.
pub struct TestBackend {
    /// Its name, the body of every answer.
    pub name: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TestBackend {
    /// Listens on `ip:port` and serves.
    pub fn start(name: &str, ip: &str, port: u16) -> TestBackend {
        let listener = TcpListener::bind((ip, port))
            .unwrap_or_else(|e| panic!("backend {name} on {ip}:{port}: {e}"));
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            let name = name.to_string();
            std::thread::spawn(move || {
                // Serves until stopped; dropping the listener then closes the port.
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => answer(stream, &name),
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        TestBackend {
            name: name.to_string(),
            stop,
            thread: Some(thread),
        }
    }

    /// Stops serving and closes the port (new connections are refused).
    pub fn kill(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for TestBackend {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Reads one request and answers with `name`. Health checks may close with a reset at any
/// point: every I/O error just ends the exchange.
fn answer(mut stream: TcpStream, name: &str) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 65_536 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{name}",
        name.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// Header lines.
    pub head: String,
    /// Body.
    pub body: String,
}

/// `GET path` on a new connection; `Err` when the connection fails or closes without an
/// answer.
pub fn get(addr: SocketAddr, path: &str) -> Result<Answer, String> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2))
        .map_err(|e| format!("connect {addr}: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: live.test\r\nConnection: close\r\n\r\n");
    s.write_all(request.as_bytes())
        .map_err(|e| format!("write {addr}: {e}"))?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)
        .map_err(|e| format!("read {addr}: {e}"))?;
    parse(&String::from_utf8_lossy(&raw)).ok_or_else(|| {
        if raw.is_empty() {
            format!("{addr} closed the connection without an answer")
        } else {
            format!(
                "{addr} answered something else: {:?}",
                String::from_utf8_lossy(&raw)
            )
        }
    })
}

/// Whether `addr` accepts a connection and then closes it without answering a request: what a
/// `tcp-request connection reject` does (a port nobody listens on refuses the connect
/// instead).
pub fn accepted_then_closed(addr: SocketAddr) -> Result<(), String> {
    let mut s = match TcpStream::connect_timeout(&addr, Duration::from_secs(2)) {
        Ok(s) => s,
        // The reset can come before the connect returns: accepted, then closed.
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return Ok(()),
        Err(e) => return Err(format!("connect {addr}: {e}")),
    };
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    // The write may already fail if the reset came first; either way nothing is answered.
    let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: live.test\r\n\r\n");
    let mut raw = Vec::new();
    match s.read_to_end(&mut raw) {
        Ok(_) if raw.is_empty() => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Ok(()),
        Ok(_) => Err(format!(
            "{addr} answered: {:?}",
            String::from_utf8_lossy(&raw)
        )),
        Err(e) => Err(format!("read {addr}: {e}")),
    }
}

/// The statistics CSV of HAProxy at `addr` (`stats uri /stats`): the status of server
/// `server` in proxy `proxy` (`UP`, `DOWN`…).
pub fn server_status(addr: SocketAddr, proxy: &str, server: &str) -> Option<String> {
    let csv = get(addr, "/stats;csv").ok()?.body;
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next()?.trim_start_matches("# ").split(',').collect();
    let column = header.iter().position(|h| *h == "status")?;
    lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&proxy) && f.get(1) == Some(&server))
        .and_then(|f| f.get(column).map(|s| s.to_string()))
}

/// Parses an HTTP/1.x response.
pub fn parse(text: &str) -> Option<Answer> {
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    Some(Answer {
        status,
        head: head.to_string(),
        body: if chunked {
            dechunk(body)?
        } else {
            body.to_string()
        },
    })
}

/// The data of a chunked body.
fn dechunk(mut rest: &str) -> Option<String> {
    let mut out = String::new();
    loop {
        let (size, after) = rest.split_once("\r\n")?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        if size == 0 {
            return Some(out);
        }
        out.push_str(after.get(..size)?);
        rest = after.get(size..)?.strip_prefix("\r\n")?;
    }
}

/// Polls `f` every 100 ms, at most `tries` times, until it returns `Some`.
pub fn poll<T>(tries: u32, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    for _ in 0..tries {
        if let Some(v) = f() {
            return Some(v);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

/// HAProxy running in the foreground as a child of the test; killed when dropped.
pub struct RunningHaproxy {
    child: Child,
    log: PathBuf,
}

impl RunningHaproxy {
    /// Starts `haproxy -db -f config`, its output in `dir/haproxy.log`.
    pub fn start(config: &Path, dir: &Path) -> RunningHaproxy {
        let log = dir.join("haproxy.log");
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(infrac_testkit::tool("haproxy"))
            .arg("-db")
            .arg("-f")
            .arg(config)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("haproxy starts");
        RunningHaproxy { child, log }
    }

    /// Panics, with HAProxy's output, when it has exited.
    pub fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!(
                "haproxy exited ({status}):\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
        }
    }

    /// HAProxy's output so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for RunningHaproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits (bounded) until `addr` answers `GET /` with 200, returning how long it took.
pub fn wait_until_serving(haproxy: &mut RunningHaproxy, addr: SocketAddr) -> Duration {
    let start = Instant::now();
    let ok = poll(50, || {
        haproxy.assert_running();
        get(addr, "/").ok().filter(|a| a.status == 200)
    });
    assert!(
        ok.is_some(),
        "{addr} never answered 200:\n{}",
        haproxy.log()
    );
    start.elapsed()
}

/// The socket address `ip:port`.
pub fn sock(ip: &str, port: u16) -> SocketAddr {
    SocketAddr::new(ip.parse::<IpAddr>().unwrap(), port)
}

/// Runs `cmd` with `input` on its stdin, killing it after `tries` × 100 ms; returns its
/// stdout and whether it exited successfully.
pub fn run_bounded(cmd: &mut Command, input: &[u8], tries: u32) -> (bool, String) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input);
    }
    let status = poll(tries, || child.try_wait().ok().flatten());
    if status.is_none() {
        let _ = child.kill();
    }
    let _ = child.wait();
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_string(&mut out);
    }
    (status.is_some_and(|s| s.success()), out)
}

/// `openssl s_server -WWW` serving the files of its own directory over TLS; killed when
/// dropped.
pub struct TlsBackend {
    child: Child,
}

impl TlsBackend {
    /// Serves a directory holding `healthz` and `name` (containing `name`) on `ip:port` with
    /// the certificate and key of `pem`.
    pub fn start(name: &str, ip: &str, port: u16, pem: &Path, dir: &Path) -> TlsBackend {
        let root = dir.join(format!("www-{name}"));
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("healthz"), "ok").unwrap();
        std::fs::write(root.join("name"), name).unwrap();
        let child = Command::new(infrac_testkit::tool("openssl"))
            .args(["s_server", "-quiet", "-WWW", "-accept"])
            .arg(format!("{ip}:{port}"))
            .arg("-cert")
            .arg(pem)
            .current_dir(&root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl s_server starts");
        let mut backend = TlsBackend { child };
        let listening = poll(50, || {
            if let Ok(Some(status)) = backend.child.try_wait() {
                panic!("openssl s_server {name} exited: {status}");
            }
            TcpStream::connect(sock(ip, port)).ok()
        });
        assert!(
            listening.is_some(),
            "openssl s_server {name} never listened"
        );
        backend
    }
}

impl Drop for TlsBackend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A child process killed (and reaped) when dropped.
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
