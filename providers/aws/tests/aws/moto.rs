//! The AWS emulator for these tests: moto's server, installed on first use and started once per
//! test binary on 127.0.0.1.
//!
//! `moto[server]` (pinned to [`MOTO_VERSION`]) is installed with pip into a virtual environment at
//! `~/.cache/infra/moto-venv` (or `$INFRA_MOTO_VENV`) when it is not there yet. The server is
//! moto's own threaded server (the one `moto_server` runs) on port 0, so the kernel picks a free
//! port and there is no race for it; it reports the port on stdout once it listens, and the tests
//! wait until it answers HTTP.
//!
//! Stopping: the server process reads its stdin until end of file and then exits. Its stdin is a
//! pipe from this test process, so however the tests end (passing, failing, a panic, a kill), the
//! pipe closes and the server goes away with them; [`Moto`]'s `Drop` also kills it. A test that
//! needs the emulator fails, never skips, when it cannot be installed or started.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The moto release the tests are written against. Not 5.2.x: from 5.2.0 on, moto answers
/// GetBucketVersioning with a `GetBucketVersioningResponse` root element instead of AWS's
/// `VersioningConfiguration`, which the AWS SDK for Rust (rightly) refuses to parse.
pub const MOTO_VERSION: &str = "5.1.22";

/// A running moto server.
pub struct Moto {
    child: Child,
    /// Held open for the server's lifetime: closing it stops the server.
    _stdin: ChildStdin,
    pub endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server script. One change to moto: its PutObject checks `If-None-Match`/`If-Match` and
/// then stores, with nothing in between held, so two conditional writes racing on its threaded
/// server can both succeed; S3 makes a conditional write atomic (the S3 state backend's lock
/// depends on it). PutObject is serialised here so the emulator keeps that promise.
const SERVER: &str = r#"
import sys, threading
from moto.s3.responses import S3Response
_put_object, _put_lock = S3Response.put_object, threading.Lock()
def _atomic_put_object(self, *args, **kwargs):
    with _put_lock:
        return _put_object(self, *args, **kwargs)
S3Response.put_object = _atomic_put_object
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
"#;

/// The shared server, started on first use. Panics (failing the test) when it cannot start.
pub fn moto() -> &'static Moto {
    static MOTO: OnceLock<Result<Moto, String>> = OnceLock::new();
    match MOTO.get_or_init(start) {
        Ok(m) => m,
        Err(e) => panic!("the AWS emulator (moto {MOTO_VERSION}) could not be started: {e}"),
    }
}

/// The python of the emulator's virtual environment (boto3 comes with moto), for independent
/// checks of what the emulator holds. Installs moto first when needed.
#[allow(dead_code)]
pub fn python() -> PathBuf {
    ensure_installed().unwrap_or_else(|e| panic!("the AWS emulator's python: {e}"))
}

fn venv_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("INFRA_MOTO_VENV") {
        return PathBuf::from(d);
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
    home.join(".cache/infra/moto-venv")
}

fn run(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The venv's python, installing moto into it first when needed.
fn ensure_installed() -> Result<PathBuf, String> {
    let venv = venv_dir();
    let python = venv.join("bin/python");
    let check =
        format!("import moto, moto.server, sys; sys.exit(moto.__version__ != {MOTO_VERSION:?})");
    if python.exists() && run(Command::new(&python).args(["-c", &check]), "checking moto").is_ok() {
        return Ok(python);
    }
    if !python.exists() {
        let base = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        run(
            Command::new(base).args(["-m", "venv"]).arg(&venv),
            "creating the moto virtual environment",
        )?;
    }
    run(
        Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            &format!("moto[server]=={MOTO_VERSION}"),
        ]),
        "installing moto[server] with pip",
    )?;
    run(
        Command::new(&python).args(["-c", &check]),
        "checking moto after installing it",
    )?;
    Ok(python)
}

fn start() -> Result<Moto, String> {
    let python = ensure_installed()?;
    let mut child = Command::new(python)
        .args(["-c", SERVER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting moto: {e}"))?;
    let stdin = child.stdin.take().ok_or("no stdin pipe")?;
    let stdout = child.stdout.take().ok_or("no stdout pipe")?;
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("reading moto's port: {e}"))?;
    // From here on, dropping `moto` (on any error) stops the server.
    let mut moto = Moto {
        child,
        _stdin: stdin,
        endpoint: String::new(),
    };
    let port: u16 = line
        .trim()
        .parse()
        .map_err(|_| format!("moto did not report its port (got {line:?})"))?;
    wait_until_answering(port)?;
    moto.endpoint = format!("http://127.0.0.1:{port}");
    Ok(moto)
}

/// Waits until the server answers an HTTP request, for at most 30 seconds.
fn wait_until_answering(port: u16) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let answered = TcpStream::connect(("127.0.0.1", port))
            .ok()
            .and_then(|mut s| {
                s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
                s.write_all(b"GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    .ok()?;
                let mut buf = [0u8; 12];
                s.read_exact(&mut buf).ok()?;
                buf.starts_with(b"HTTP/1.").then_some(())
            });
        if answered.is_some() {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "moto did not answer on 127.0.0.1:{port} within 30s"
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
