//! The per-call sandbox: a WASI context that grants nothing, bounded stdio
//! pipes, fixed clocks, seeded randomness and resource limits.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use wasmtime::component::{Linker, ResourceTable};
use wasmtime::{ResourceLimiter, StoreContextMut, StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamError, StreamResult};
use wasmtime_wasi::{HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxView, WasiView};

use crate::config::PluginLimits;

/// The WASI 0.2 version wasmtime-wasi 48 defines; guests importing any 0.2.x
/// link against it by semver matching.
pub(crate) const WASI_P2_VERSION: &str = "0.2.12";

/// Per-store data.
pub(crate) struct State {
    ctx: WasiCtx,
    table: ResourceTable,
    pub(crate) limiter: Limiter,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.ctx,
            table: &mut self.table,
        }
    }
}

/// The captured stdout and stderr of one call.
pub(crate) struct Stdio {
    pub(crate) stdout: BoundedPipe,
    pub(crate) stderr: BoundedPipe,
}

impl State {
    /// A fresh sandbox for one call.
    pub(crate) fn new(limits: &PluginLimits) -> (State, Stdio) {
        let stdio = Stdio {
            stdout: BoundedPipe::new(limits.stderr_capacity),
            stderr: BoundedPipe::new(limits.stderr_capacity),
        };
        let mut builder = WasiCtx::builder();
        builder
            .stdout(stdio.stdout.clone())
            .stderr(stdio.stderr.clone())
            .wall_clock(FixedClock)
            .monotonic_clock(FixedClock)
            .secure_random(SplitMix64(0x696e_6672_6163_0001))
            .insecure_random(SplitMix64(0x696e_6672_6163_0002))
            .insecure_random_seed(0x696e_6672_6163_0003)
            .max_random_size(1 << 20)
            .allow_ip_name_lookup(false)
            .allow_tcp(false)
            .allow_udp(false)
            .socket_addr_check(|_, _| Box::pin(async { false }));
        let state = State {
            ctx: builder.build(),
            table: ResourceTable::new(),
            limiter: Limiter::new(limits),
        };
        (state, stdio)
    }
}

/// Link WASI 0.2 (so that any guest toolchain's imports resolve), then make
/// clock subscriptions ready at once: time does not pass inside the sandbox,
/// and a guest must not be able to block the host thread in a host call
/// (where epoch interruption cannot reach it).
pub(crate) fn link(linker: &mut Linker<State>) -> wasmtime::Result<()> {
    wasmtime_wasi::p2::add_to_linker_sync(linker)?;
    linker.allow_shadowing(true);
    let mut clock = linker.instance(&format!("wasi:clocks/monotonic-clock@{WASI_P2_VERSION}"))?;
    clock.func_wrap(
        "subscribe-duration",
        |mut store: StoreContextMut<'_, State>, (_,): (u64,)| ready_pollable(&mut store),
    )?;
    clock.func_wrap(
        "subscribe-instant",
        |mut store: StoreContextMut<'_, State>, (_,): (u64,)| ready_pollable(&mut store),
    )?;
    linker.allow_shadowing(false);
    Ok(())
}

fn ready_pollable(
    store: &mut StoreContextMut<'_, State>,
) -> wasmtime::Result<(wasmtime::component::Resource<wasmtime_wasi::p2::DynPollable>,)> {
    let table = &mut store.data_mut().table;
    let ready = table.push(Ready)?;
    Ok((wasmtime_wasi::p2::subscribe(table, ready)?,))
}

/// A pollable that is always ready.
struct Ready;

#[wasmtime_wasi::async_trait]
impl Pollable for Ready {
    async fn ready(&mut self) {}
}

/// Wall and monotonic clocks frozen at zero (1970-01-01T00:00:00Z), so that
/// output cannot depend on the time of the build.
struct FixedClock;

impl HostWallClock for FixedClock {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }
    fn now(&self) -> Duration {
        Duration::ZERO
    }
}

impl HostMonotonicClock for FixedClock {
    fn resolution(&self) -> u64 {
        1_000_000_000
    }
    fn now(&self) -> u64 {
        0
    }
}

/// A seeded, deterministic generator (SplitMix64): a plugin's "random" choices
/// (hash-map seeds, temporary names) are the same on every run.
struct SplitMix64(u64);

impl rand::TryRng for SplitMix64 {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        self.try_next_u64().map(|v| (v >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Ok(z ^ (z >> 31))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// `StoreLimits` that also remembers whether a memory or table growth was
/// refused, so that the trap that usually follows is reported as a memory limit.
pub(crate) struct Limiter {
    inner: StoreLimits,
    pub(crate) memory_refused: bool,
}

impl Limiter {
    fn new(limits: &PluginLimits) -> Self {
        Limiter {
            inner: StoreLimitsBuilder::new()
                .memory_size(limits.memory)
                .table_elements(limits.table_elements)
                .instances(limits.instances)
                .tables(limits.tables)
                .memories(limits.memories)
                .build(),
            memory_refused: false,
        }
    }
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let allowed = self.inner.memory_growing(current, desired, maximum)?;
        self.memory_refused |= !allowed;
        Ok(allowed)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let allowed = self.inner.table_growing(current, desired, maximum)?;
        self.memory_refused |= !allowed;
        Ok(allowed)
    }

    fn instances(&self) -> usize {
        self.inner.instances()
    }

    fn tables(&self) -> usize {
        self.inner.tables()
    }

    fn memories(&self) -> usize {
        self.inner.memories()
    }
}

/// An output pipe that keeps the first `capacity` bytes and silently drops
/// (but counts) the rest, so a chatty plugin neither fails nor exhausts the
/// host's memory.
#[derive(Clone)]
pub(crate) struct BoundedPipe {
    inner: Arc<Mutex<PipeBuffer>>,
}

struct PipeBuffer {
    kept: Vec<u8>,
    capacity: usize,
    dropped: u64,
}

impl BoundedPipe {
    fn new(capacity: usize) -> Self {
        BoundedPipe {
            inner: Arc::new(Mutex::new(PipeBuffer {
                kept: Vec::new(),
                capacity,
                dropped: 0,
            })),
        }
    }

    fn push(&self, bytes: &[u8]) {
        let mut buf = match self.inner.lock() {
            Ok(buf) => buf,
            Err(poisoned) => poisoned.into_inner(),
        };
        let room = buf.capacity.saturating_sub(buf.kept.len());
        let take = room.min(bytes.len());
        buf.kept.extend_from_slice(&bytes[..take]);
        buf.dropped = buf.dropped.saturating_add((bytes.len() - take) as u64);
    }

    /// The bytes kept and the number of bytes dropped.
    pub(crate) fn contents(&self) -> (Vec<u8>, u64) {
        let buf = match self.inner.lock() {
            Ok(buf) => buf,
            Err(poisoned) => poisoned.into_inner(),
        };
        (buf.kept.clone(), buf.dropped)
    }
}

impl IsTerminal for BoundedPipe {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for BoundedPipe {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

/// How much a guest may write in one go; the pipe accepts any amount.
const WRITE_PERMIT: usize = 1 << 20;

impl OutputStream for BoundedPipe {
    fn write(&mut self, bytes: bytes::Bytes) -> StreamResult<()> {
        self.push(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> Result<usize, StreamError> {
        Ok(WRITE_PERMIT)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for BoundedPipe {
    async fn ready(&mut self) {}
}

impl tokio::io::AsyncWrite for BoundedPipe {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.push(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::TryRng;

    #[test]
    fn pipe_keeps_prefix_and_counts_the_rest() {
        let pipe = BoundedPipe::new(4);
        pipe.push(b"ab");
        pipe.push(b"cdef");
        pipe.push(b"gh");
        assert_eq!(pipe.contents(), (b"abcd".to_vec(), 4));
    }

    #[test]
    fn random_is_seeded() {
        let (mut a, mut b) = (SplitMix64(7), SplitMix64(7));
        let (mut x, mut y) = ([0u8; 13], [0u8; 13]);
        a.try_fill_bytes(&mut x).ok();
        b.try_fill_bytes(&mut y).ok();
        assert_eq!(x, y);
        assert_ne!(x, [0u8; 13]);
    }
}
