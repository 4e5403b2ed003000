//! The real binary opens a real window: under a private Xvfb, found by its
//! process id, with the app id as its class, and it paints.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the process when dropped, so a failing test leaves nothing behind.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A private X server of this screen size, up and listening: its display
/// number and the process. Xvfb picks a free display itself and says which
/// once it listens (`-displayfd`): the tests of this file run at once in
/// one process, and picking a number here could give two of them the same
/// display, the second Xvfb failing and its test talking to the first one's
/// server until that one ended. `-noreset`: a server that resets when its
/// last client leaves can refuse the next one while it does (see
/// tests/e2e-gui).
fn xvfb(screen: &str) -> (u32, Reaped) {
    let mut child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            screen,
            "-nolisten",
            "tcp",
            "-noreset",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb starts (tests/run installs it)");
    let stdout = child.stdout.take().expect("Xvfb's stdout");
    let xvfb = Reaped(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("Xvfb says its display");
    let display = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("Xvfb gave no display number: {line:?}"));
    (display, xvfb)
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("tool runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_app_opens_a_window_with_its_app_id() {
    let (display, xvfb) = xvfb("1024x768x24");
    let runtime = tempfile_dir();
    let app = Reaped(
        Command::new(env!("CARGO_BIN_EXE_postel"))
            .env("DISPLAY", format!(":{display}"))
            .env("XDG_RUNTIME_DIR", &runtime)
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("postel starts"),
    );
    let found = run(Command::new("xdotool")
        .env("DISPLAY", format!(":{display}"))
        .args([
            "search",
            "--sync",
            "--onlyvisible",
            "--pid",
            &app.0.id().to_string(),
            "--name",
            "Postel",
        ]));
    let window = found.lines().next().expect("a window id").trim().to_owned();
    let class = run(Command::new("xprop")
        .env("DISPLAY", format!(":{display}"))
        .args(["-id", &window, "WM_CLASS"]));
    assert!(class.contains("org.postel.Postel"), "WM_CLASS is {class}");
    // The window painted something: a screenshot is not one flat colour.
    // A debug build on software Vulkan, beside the other tests, can take
    // many seconds for its first frame.
    let mut distinct = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let dump = Command::new("xwd")
            .env("DISPLAY", format!(":{display}"))
            .args(["-silent", "-id", &window])
            .output()
            .expect("xwd runs");
        distinct = dump
            .stdout
            .iter()
            .skip(dump.stdout.len() / 2)
            .copied()
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() > 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(distinct.len() > 2, "the window stayed blank");
    drop(app);
    drop(xvfb);
    let _ = std::fs::remove_dir_all(runtime);
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("postel-window-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("runtime dir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    }
    dir
}

#[test]
fn a_second_launch_hands_its_mailto_link_to_the_running_one() {
    let runtime = tempfile_dir();
    // Postel keeps its socket in a private folder of its own in the runtime dir.
    let private = runtime.join("postel");
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&private)
            .expect("private dir");
    }
    let socket = private.join("postel.sock");
    let listener = std::os::unix::net::UnixListener::bind(&socket).expect("the 'running' instance");
    let status = Command::new(env!("CARGO_BIN_EXE_postel"))
        .arg("mailto:bob@example.com?subject=From%20a%20link")
        .env("XDG_RUNTIME_DIR", &runtime)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .status()
        .expect("postel runs");
    assert!(status.success(), "handed over, no window of its own needed");
    let (mut stream, _) = listener.accept().expect("a connection");
    let mut got = String::new();
    std::io::Read::read_to_string(&mut stream, &mut got).expect("read");
    assert_eq!(got.trim(), "mailto:bob@example.com?subject=From%20a%20link");
    // A link that is not one is refused before anything starts.
    let out = Command::new(env!("CARGO_BIN_EXE_postel"))
        .arg("mailto")
        .env("XDG_RUNTIME_DIR", &runtime)
        .output()
        .expect("postel runs");
    assert!(!out.status.success());
    let _ = std::fs::remove_dir_all(runtime);
}

#[test]
fn the_window_opens_at_its_remembered_size_and_remembers_a_new_one() {
    let (display, xvfb) = xvfb("1280x800x24");
    let base = std::env::temp_dir().join(format!("postel-window-size-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let (data, config, runtime) = (base.join("data"), base.join("config"), base.join("run"));
    for dir in [&data, &config, &runtime] {
        std::fs::create_dir_all(dir).expect("dir");
    }
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    }
    let state = data.join("ui-state.json");
    std::fs::write(
        &state,
        r#"{"width": 900, "height": 600, "maximized": false, "folders_ratio": 0.3}"#,
    )
    .expect("state file");
    let app = Reaped(
        Command::new(env!("CARGO_BIN_EXE_postel"))
            .env("DISPLAY", format!(":{display}"))
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("POSTEL_DATA_DIR", &data)
            .env("POSTEL_CONFIG_DIR", &config)
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("postel starts"),
    );
    let xdotool = |args: &[&str]| {
        run(Command::new("xdotool")
            .env("DISPLAY", format!(":{display}"))
            .args(args))
    };
    let found = xdotool(&[
        "search",
        "--sync",
        "--onlyvisible",
        "--pid",
        &app.0.id().to_string(),
        "--name",
        "Postel",
    ]);
    let window = found.lines().next().expect("a window id").trim().to_owned();
    // Read until it settles: on a loaded machine the window can be found
    // before its size reaches the X server.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut geometry = xdotool(&["getwindowgeometry", "--shell", &window]);
    while !(geometry.contains("WIDTH=900") && geometry.contains("HEIGHT=600"))
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(100));
        geometry = xdotool(&["getwindowgeometry", "--shell", &window]);
    }
    assert!(
        geometry.contains("WIDTH=900") && geometry.contains("HEIGHT=600"),
        "opened at the saved size: {geometry}"
    );
    // Resized by the user: written once it settled (about a second).
    xdotool(&["windowsize", &window, "1000", "700"]);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let text = std::fs::read_to_string(&state).unwrap_or_default();
        let saved: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        if saved["width"] == 1000.0 && saved["height"] == 700.0 {
            assert_eq!(saved["folders_ratio"], 0.3, "the rest is kept: {saved}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the new size was not saved: {text}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(app);
    drop(xvfb);
    let _ = std::fs::remove_dir_all(base);
}
