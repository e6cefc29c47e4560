//! The HTTP/1.1 server around [`Emulator`].
//!
//! [`start`] binds the listener and returns at once with a [`ServerHandle`];
//! connections are served on tokio tasks until [`ServerHandle::shutdown`],
//! which stops accepting, lets in-flight requests finish and then returns.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::http::{ClientAddress, Emulator};

/// How long shutdown waits for in-flight requests (long polls included) before closing connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(25);

/// A running server.
pub struct ServerHandle {
    local_addr: SocketAddr,
    emulator: Arc<Emulator>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl ServerHandle {
    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The endpoint URL clients should use, e.g. `http://127.0.0.1:4566`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// The emulator behind the server, for in-process inspection.
    pub fn emulator(&self) -> &Arc<Emulator> {
        &self.emulator
    }

    /// Stops accepting connections and waits for in-flight requests to finish.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
        self.emulator.lambda().stop_workers();
        tracing::info!(address = %self.local_addr, "server stopped");
    }
}

/// Binds `listen` and starts serving. Use port 0 for any free port.
/// Fails with `InvalidInput` when the configuration is invalid.
pub async fn start(listen: SocketAddr, config: Config) -> std::io::Result<ServerHandle> {
    config
        .validate()
        .map_err(|message| std::io::Error::new(std::io::ErrorKind::InvalidInput, message))?;
    let listener = TcpListener::bind(listen).await?;
    let local_addr = listener.local_addr()?;
    let emulator = Arc::new(Emulator::new(config, local_addr.port()));
    let (stop, stopped) = watch::channel(false);

    tracing::info!(
        address = %local_addr,
        profile = %emulator.config().access,
        "server listening"
    );
    let task = tokio::spawn(accept_loop(listener, emulator.clone(), stopped));

    Ok(ServerHandle {
        local_addr,
        emulator,
        stop,
        task,
    })
}

async fn accept_loop(listener: TcpListener, emulator: Arc<Emulator>, mut stopped: watch::Receiver<bool>) {
    let graceful = GracefulShutdown::new();

    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped.changed() => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Running out of file descriptors is transient; back off and keep serving.
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);

        let emulator = emulator.clone();
        let service = service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ClientAddress(peer));
            let emulator = emulator.clone();
            async move { Ok::<_, Infallible>(emulator.handle(request).await) }
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .keep_alive(true)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);

        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%peer, %error, "connection closed with an error");
            }
        });
    }

    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("in-flight requests did not finish within {SHUTDOWN_GRACE:?}; closing");
        }
    }
}
