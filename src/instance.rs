//! One Postel window per user: a running app listens on a socket in the
//! user's runtime directory, and a second launch (say, from a mailto: link)
//! hands its request over instead of opening another window.

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use tokio::io::{AsyncBufReadExt, AsyncReadExt};

/// A request longer than this is not a mailto: URL anyone typed.
const MAX_REQUEST: u64 = 64 * 1024;

/// The socket's name in the private runtime folder.
const SOCKET_NAME: &str = "postel.sock";

/// The socket, in a folder only this user can enter (`private::runtime_dir`):
/// in a shared one another user could listen first and be handed the
/// links, or connect and hand over requests.
pub fn socket_path() -> Result<PathBuf, crate::private::Error> {
    Ok(crate::private::runtime_dir()?.join(SOCKET_NAME))
}

/// Hands `request` (one line) to the instance listening at `path`; false
/// when none does.
pub fn hand_over(path: &Path, request: &str) -> bool {
    let Ok(mut stream) = UnixStream::connect(path) else {
        return false;
    };
    let line = request.replace(['\r', '\n'], " ");
    stream
        .write_all(format!("{line}\n").as_bytes())
        .and_then(|()| stream.flush())
        .is_ok()
}

/// Listens at `path` for requests from later launches. A socket left by a
/// crashed instance is replaced; one owned by a live instance is not.
pub fn listen(path: &Path) -> std::io::Result<tokio::net::UnixListener> {
    if path.exists() {
        if UnixStream::connect(path).is_ok() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AddrInUse,
                "another Postel is running",
            ));
        }
        std::fs::remove_file(path)?;
    }
    let listener = tokio::net::UnixListener::bind(path)?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(listener)
}

/// The next request (one line) from a later launch.
pub async fn next_request(listener: &tokio::net::UnixListener) -> Option<String> {
    loop {
        let (stream, _) = listener.accept().await.ok()?;
        let mut line = String::new();
        let mut reader = tokio::io::BufReader::new(stream.take(MAX_REQUEST));
        if reader.read_line(&mut line).await.is_ok() && !line.trim().is_empty() {
            return Some(line.trim().to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_socket_is_in_a_private_folder() {
        let path = socket_path().expect("a private runtime folder");
        let dir = path.parent().expect("its folder");
        assert_eq!(
            crate::private::mode(dir).ok(),
            Some(crate::private::DIR_MODE),
            "{}",
            dir.display()
        );
        assert_ne!(
            dir,
            std::env::temp_dir(),
            "never the shared temp folder itself"
        );
    }

    #[tokio::test]
    async fn a_second_launch_hands_over_to_the_first() {
        let dir = std::env::temp_dir().join(format!("postel-instance-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("postel.sock");
        // A stale socket file from a crash does not block the new instance.
        drop(std::os::unix::net::UnixListener::bind(&path).expect("stale"));
        assert!(!hand_over(&path, "nobody listens"));
        let listener = listen(&path).expect("listens over the stale file");
        assert!(listen(&path).is_err(), "a live instance is not replaced");
        let sender = {
            let path = path.clone();
            std::thread::spawn(move || hand_over(&path, "mailto:bob@example.test?subject=Hi"))
        };
        let got = next_request(&listener).await;
        assert!(sender.join().expect("sender"));
        assert_eq!(got.as_deref(), Some("mailto:bob@example.test?subject=Hi"));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::remove_dir_all(dir).expect("cleanup");
    }
}
