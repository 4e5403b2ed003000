//! What the command line offers besides mail: version, manual, completions.

use std::process::Command;

fn postel(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_postel"))
        .args(args)
        .output()
        .expect("postel runs");
    assert!(
        out.status.success(),
        "postel {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn version_manual_and_completions() {
    assert_eq!(
        postel(&["--version"]).trim(),
        format!("postel {}", env!("CARGO_PKG_VERSION"))
    );
    let man = postel(&["man"]);
    assert!(man.contains(".TH postel 1"), "a roff manual page");
    assert!(man.contains("account"), "it lists the commands");
    for (shell, marker) in [
        ("bash", "_postel()"),
        ("zsh", "#compdef postel"),
        ("fish", "complete -c postel"),
    ] {
        let script = postel(&["completions", shell]);
        assert!(
            script.contains(marker),
            "{shell}: {}",
            &script[..script.len().min(200)]
        );
    }
}
