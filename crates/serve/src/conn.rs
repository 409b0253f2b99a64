//! Connections: the accept loop and what keeps a few sockets from holding
//! the server. Every connection is watched for
//!
//! - answers nobody reads: a write that makes no progress for the stall
//!   time ends the connection;
//! - pipelining: after `max_pipelined` requests answered back to back
//!   without the client ever making the server wait for its next request,
//!   the answer carries `Connection: close` and the rest is dropped;
//! - slow headers: hyper's header timer (idle keep-alive included);
//! - its last useful moment (accepted, a request complete, an answer ready,
//!   answer bytes written). Trickled header bytes do not count.
//!
//! When all places are taken, a new client is not left waiting: the
//! connection that has been of no use the longest (an idle keep-alive, a
//! slow header, an answer nobody reads) is closed to make room. A connection
//! whose request is being answered is never closed for this.

use axum::http::{header, HeaderValue, Request, Response};
use axum::Router;
use hyper::body::Incoming;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// The per-connection limits (from [`crate::Config`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub header_timeout: Duration,
    pub stall_timeout: Duration,
    pub max_connections: usize,
    pub max_pipelined: usize,
}

/// Time requests in progress get to finish once shutdown is asked for.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// How often a full server looks again for a connection to close when every
/// one was answering a request (or enough were already closing).
const RECHECK: Duration = Duration::from_millis(50);

/// Accepts HTTP/1.1 connections until `shutdown`, then lets the requests in
/// progress finish.
pub(crate) async fn accept_loop(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let max = limits.max_connections.max(1);
    let live = Arc::new(Live::new());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of file descriptors or a connection reset before accept: wait, go on.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // A place for the new client: a free one, or the one of the
        // connection that has been of no use the longest. The new client
        // does not wait for that one to be gone (with hundreds of sockets
        // queued, waiting for each would add up to seconds).
        let placed = loop {
            if live.make_room(max) {
                break true;
            }
            tokio::select! {
                () = live.freed.notified() => {}
                () = tokio::time::sleep(RECHECK) => {}
                () = &mut shutdown => break false,
            }
        };
        if !placed {
            break;
        }
        let _ = stream.set_nodelay(true);
        let conn = live.add();
        let io = hyper_util::rt::TokioIo::new(Watched {
            inner: stream,
            conn: conn.clone(),
            stall_timeout: limits.stall_timeout,
            stalled: None,
        });
        let service = Counted {
            app: hyper_util::service::TowerToHyperService::new(app.clone()),
            conn: conn.clone(),
            max_pipelined: limits.max_pipelined.max(1),
        };
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(io, service);
        let connection = graceful.watch(connection);
        let live = live.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = connection => {}
                () = conn.close.notified() => {}
            }
            live.remove(&conn);
        });
    }
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await;
}

/// What the accept loop knows of one connection.
pub(crate) struct Conn {
    id: u64,
    epoch: Instant,
    /// Microseconds from `epoch` to the connection's acceptance.
    accepted_at: u64,
    /// Microseconds from `epoch` to the connection's last useful moment.
    useful_at: AtomicU64,
    /// A request of it reached the router.
    served: AtomicBool,
    /// Requests the router is working on (from the first poll of their
    /// answer until it is ready).
    answering: AtomicUsize,
    /// Requests taken in a row without the client making the server wait
    /// for more input (pipelined).
    in_a_row: AtomicUsize,
    /// Chosen to make room; `close` is notified.
    closing: AtomicBool,
    close: tokio::sync::Notify,
}

impl Conn {
    fn touch(&self) {
        let now = self.epoch.elapsed().as_micros() as u64;
        self.useful_at.fetch_max(now, Ordering::Relaxed);
    }

    /// Accepted less than [`NEW_GRACE`] ago and no request yet: the client
    /// may still be sending its first one.
    fn is_new(&self, now: u64) -> bool {
        !self.served.load(Ordering::Relaxed)
            && now.saturating_sub(self.accepted_at) < NEW_GRACE.as_micros() as u64
    }
}

/// Time a new connection gets to send its first request before it counts
/// as idle. Without it, a crowd of busy keep-alive clients (each useful a
/// millisecond ago) would have a new client closed before its request was
/// read, on a loaded machine.
const NEW_GRACE: Duration = Duration::from_secs(1);

/// The open connections.
struct Live {
    conns: Mutex<Vec<Arc<Conn>>>,
    next_id: AtomicU64,
    epoch: Instant,
    /// Notified when a connection is gone.
    freed: tokio::sync::Notify,
}

impl Live {
    fn new() -> Live {
        Live {
            conns: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(0),
            epoch: Instant::now(),
            freed: tokio::sync::Notify::new(),
        }
    }

    fn now(&self) -> u64 {
        self.epoch.elapsed().as_micros() as u64
    }

    fn add(&self) -> Arc<Conn> {
        let conn = Arc::new(Conn {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            epoch: self.epoch,
            accepted_at: self.now(),
            useful_at: AtomicU64::new(0),
            served: AtomicBool::new(false),
            answering: AtomicUsize::new(0),
            in_a_row: AtomicUsize::new(0),
            closing: AtomicBool::new(false),
            close: tokio::sync::Notify::new(),
        });
        conn.touch();
        self.lock().push(conn.clone());
        conn
    }

    fn remove(&self, conn: &Conn) {
        let mut conns = self.lock();
        if let Some(i) = conns.iter().position(|c| c.id == conn.id) {
            conns.swap_remove(i);
        }
        self.freed.notify_one();
    }

    /// Whether a new connection may be served now, with at most `max`
    /// connections that are not closing. When all places are taken, one
    /// is told to close and its place is given at once: never one
    /// answering a request; first the one of no use for the longest time
    /// among those past their first [`NEW_GRACE`] (idle keep-alive, slow
    /// headers, answers not read), else the oldest new one. At most
    /// `max / 4 + 1` may be closing at a time, so the sockets held stay
    /// bounded while they finish.
    fn make_room(&self, max: usize) -> bool {
        self.make_room_at(max, self.now())
    }

    fn make_room_at(&self, max: usize, now: u64) -> bool {
        let conns = self.lock();
        let closing = conns
            .iter()
            .filter(|c| c.closing.load(Ordering::Relaxed))
            .count();
        if conns.len() - closing < max {
            return true;
        }
        if closing > max / 4 {
            return false;
        }
        let victim = conns
            .iter()
            .filter(|c| !c.closing.load(Ordering::Relaxed))
            .filter(|c| c.answering.load(Ordering::Relaxed) == 0)
            .min_by_key(|c| (c.is_new(now), c.useful_at.load(Ordering::Relaxed)));
        match victim {
            Some(victim) => {
                victim.closing.store(true, Ordering::Relaxed);
                victim.close.notify_one();
                true
            }
            None => false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Arc<Conn>>> {
        self.conns.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The socket, watched: a write that makes no progress for `stall_timeout`
/// fails (the client does not read its answers); bytes written are useful;
/// a read that finds nothing means the client waits for us (not pipelining).
struct Watched<S> {
    inner: S,
    conn: Arc<Conn>,
    stall_timeout: Duration,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<S> Watched<S> {
    fn watch<T>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.stalled = None;
            return poll;
        }
        let stall_timeout = self.stall_timeout;
        let timer = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(stall_timeout)));
        if timer.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client reads no answer",
            )));
        }
        Poll::Pending
    }

    fn wrote(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        if let Poll::Ready(Ok(n)) = poll {
            if n > 0 {
                self.conn.touch();
            }
        }
        self.watch(cx, poll)
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        if poll.is_pending() {
            this.conn.in_a_row.store(0, Ordering::Relaxed);
        }
        poll
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.wrote(cx, poll)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.wrote(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_flush(cx);
        this.watch(cx, poll)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.watch(cx, poll)
    }
}

/// The router, counting what a connection asks: requests being answered
/// (such a connection is not closed to make room) and requests pipelined
/// in a row (past the bound, the answer closes the connection).
struct Counted {
    app: hyper_util::service::TowerToHyperService<Router>,
    conn: Arc<Conn>,
    max_pipelined: usize,
}

/// A request being answered; counted down however its answer ends.
struct Answering(Arc<Conn>);

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.answering.fetch_sub(1, Ordering::Relaxed);
        self.0.touch();
    }
}

impl hyper::service::Service<Request<Incoming>> for Counted {
    type Response = Response<axum::body::Body>;
    type Error = Infallible;
    type Future =
        Pin<Box<dyn Future<Output = Result<Response<axum::body::Body>, Infallible>> + Send>>;

    fn call(&self, req: Request<Incoming>) -> Self::Future {
        self.conn.touch();
        self.conn.served.store(true, Ordering::Relaxed);
        let in_a_row = self.conn.in_a_row.fetch_add(1, Ordering::Relaxed) + 1;
        let last = in_a_row >= self.max_pipelined;
        let answer = self.app.call(req);
        let conn = self.conn.clone();
        Box::pin(async move {
            // Counted from the first poll: hyper holds a pipelined request
            // unpolled while the answer before it waits to be written, and
            // such a connection is doing nothing.
            conn.answering.fetch_add(1, Ordering::Relaxed);
            let answering = Answering(conn);
            let mut response = answer.await?;
            drop(answering);
            if last {
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(live: &Live, useful_at: u64) -> Arc<Conn> {
        let conn = live.add();
        conn.useful_at.store(useful_at, Ordering::Relaxed);
        conn
    }

    fn closing(conns: &[&Arc<Conn>]) -> Vec<u64> {
        conns
            .iter()
            .filter(|c| c.closing.load(Ordering::Relaxed))
            .map(|c| c.id)
            .collect()
    }

    /// Below the cap nothing closes; at the cap the least useful connection
    /// not answering a request is told to close and the new one may come in
    /// at once; with every place answering, or enough already closing, not.
    #[test]
    fn make_room_closes_the_least_useful_connection_not_answering() {
        let live = Live::new();
        let (a, b, c) = (conn(&live, 3000), conn(&live, 1000), conn(&live, 2000));
        assert!(live.make_room(4));
        assert_eq!(closing(&[&a, &b, &c]), Vec::<u64>::new());

        // b has been of no use the longest, but it is answering a request.
        b.answering.store(1, Ordering::Relaxed);
        assert!(live.make_room(3));
        assert_eq!(closing(&[&a, &b, &c]), vec![c.id]);

        // With max 3, one closing at a time is the most allowed: wait.
        let d = conn(&live, 4000);
        assert!(!live.make_room(3));
        assert_eq!(closing(&[&a, &b, &d]), Vec::<u64>::new());
        // Once it is gone, the next least useful one goes.
        live.remove(&c);
        assert!(live.make_room(3));
        assert_eq!(closing(&[&a, &b, &d]), vec![a.id]);
        live.remove(&a);

        // Every place answering: no room until one finishes.
        d.answering.store(1, Ordering::Relaxed);
        let e = conn(&live, 5000);
        e.answering.store(1, Ordering::Relaxed);
        assert!(!live.make_room(3));
        e.answering.store(0, Ordering::Relaxed);
        assert!(live.make_room(3));
        assert_eq!(closing(&[&b, &d, &e]), vec![e.id]);
    }

    /// A connection in its first second with no request yet is closed only
    /// when no older one can be: busy keep-alive clients must not push a
    /// new client out before its request is read. After that second it is
    /// an idle connection like any other.
    #[test]
    fn a_new_connection_gets_time_for_its_first_request() {
        let grace = NEW_GRACE.as_micros() as u64;
        let live = Live::new();
        let new = live.add();
        let served = conn(&live, new.accepted_at + 5000);
        served.served.store(true, Ordering::Relaxed);
        let now = new.accepted_at + grace / 2;
        assert!(live.make_room_at(2, now));
        assert_eq!(closing(&[&new, &served]), vec![served.id]);
        live.remove(&served);

        let later = conn(&live, new.accepted_at + 5000);
        later.served.store(true, Ordering::Relaxed);
        assert!(live.make_room_at(2, new.accepted_at + grace));
        assert_eq!(closing(&[&new, &later]), vec![new.id]);
    }
}
