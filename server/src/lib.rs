//! The dockside language server: LSP over stdio, on top of the engine in
//! `dockside-rules`.
//!
//! This is the only crate that speaks the Language Server Protocol. It keeps
//! one incrementally re-parsed tree per open document ([`state`]), lints in a
//! background worker ([`lint`]) and answers requests from the current
//! `Document`; everything Dockerfile-specific comes from the engine, and
//! [`convert`] turns engine types (byte ranges, diagnostics, fixes) into LSP
//! types.
//!
//! Ordering: tower-lsp-server runs handlers concurrently, so every
//! `didOpen`/`didChange`/`didClose` mutates the document store synchronously
//! at the top of its handler, before any `.await`; the store therefore sees
//! changes in arrival order.

mod convert;
#[doc(hidden)]
pub mod fuzzing;
mod handlers;
mod hover;
mod lint;
#[doc(hidden)]
pub mod profiling;
mod reference;
mod server;
mod settings;
mod state;
mod transport;

use std::process::ExitCode;
use std::time::Duration;

use tower_lsp_server::{LspService, Server};

/// Stack of each runtime thread (the two workers and the blocking threads
/// that build, lint and answer). Nesting is depth-limited in the engine
/// (`MAX_NESTING`), and `&&` lists and pipelines, which are not nesting,
/// are walked without recursion (the formatter's chains too, since a
/// 20,000-command list overflowed 2 MiB). Measured with a release build on
/// every shape of `rules/tests/hostile.rs` at depth 100,000 and on
/// 100,000-command lists through every feature (`tests/lsp_resilience.rs`):
/// all pass with 1 MiB; at 128 KiB a lint overflowed. 8 MiB keeps a margin
/// of eight; the memory is only reserved, a thread uses the pages it
/// touches.
const THREAD_STACK: usize = 8 * 1024 * 1024;

/// The in-memory pipes between the framing layer and the service.
const PIPE_SIZE: usize = 256 * 1024;

/// Serve LSP on standard input and output until the client sends `exit` or
/// closes the stream. Exits with 0 after a `shutdown` request, 1 otherwise
/// (as the protocol asks).
pub fn run_stdio() -> ExitCode {
    limit_malloc_arenas();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(16)
        .thread_stack_size(THREAD_STACK)
        .enable_all()
        .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("dockside lsp: cannot start the async runtime: {err}");
            return ExitCode::from(2);
        }
    };
    let clean = runtime.block_on(async {
        // Standard input reaches the service through our framing layer
        // (`transport`), which repairs or answers what tower-lsp-server's
        // decoder would stop at; its answers, and the diagnostics the
        // server pushes (`transport::Outgoing`), join the service's output.
        let (answers, answered) = tokio::sync::mpsc::unbounded_channel();
        let outgoing = transport::Outgoing::new(answers.clone());
        let (service, socket) = LspService::new(|client| server::Backend::new(client, outgoing));
        let state = service.inner().state();
        let (service_in, to_service) = tokio::io::duplex(PIPE_SIZE);
        let (from_service, service_out) = tokio::io::duplex(PIPE_SIZE);
        tokio::spawn(transport::read_input(tokio::io::stdin(), to_service, answers));
        let output = tokio::spawn(transport::write_output(from_service, answered, tokio::io::stdout()));
        Server::new(service_in, service_out, socket).serve(service).await;
        // The service's end of the output pipe is closed: let everything it wrote out.
        let _ = tokio::time::timeout(Duration::from_secs(5), output).await;
        state.is_shut_down()
    });
    // The client went away without `shutdown`: stop ShellCheck all the same.
    dockside_rules::shellcheck::kill_all();
    // Do not wait for a lint or a blocked stdin read still in flight.
    runtime.shutdown_timeout(Duration::from_millis(200));
    if clean { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// glibc gives each thread that allocates an arena of its own (up to 8 per
/// core) and keeps the memory freed in it; with the runtime's workers and
/// blocking threads all building documents, that retention was a third of
/// the server's peak RSS. On the 1,233-line benchmark file (60 edits):
/// default arenas 33–35 MiB at p50 28–30 ms, two arenas 22.8 MiB at 32 ms,
/// one arena 19.6 MiB at 34 ms (threads then wait for its lock). Two keep
/// memory well under 30 MB for the least latency. Called before any thread
/// starts.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; no other thread exists yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
