//! Reading from the command line: one message as text, sanitised HTML,
//! headers, saved attachments, and painted by the reader's engine.

use crate::harness::{TempDir, unique};
use crate::postel::Postel;
use crate::receiving::{id_of, session};

const MIXED: &[u8] = include_bytes!("../fixtures/mixed-attachments.eml");
const NEWSLETTER: &[u8] = include_bytes!("../fixtures/newsletter-rich.eml");

#[test]
fn read_prints_each_form_and_saves_attachments_under_safe_names() {
    let folder = unique("reading");
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            let mut s = session("erin").await;
            s.create(&folder).await.expect("CREATE");
            for raw in [MIXED, NEWSLETTER] {
                s.append(&folder, None, None, raw).await.expect("APPEND");
            }
            let _ = s.logout().await;
        });
    let postel = Postel::new();
    let account = postel.add_imap("reading", "erin", "erinpass");
    postel.ok(&["sync", &account, "--folder", &folder], None);
    let mixed = id_of(&postel, &account, &folder, 1).to_string();
    let news = id_of(&postel, &account, &folder, 2).to_string();

    let headers = postel.ok(&["read", &account, &mixed, "--headers"], None);
    assert!(headers.contains("Subject: Unterlagen"), "{headers}");
    assert!(!headers.contains("%PDF"), "headers only: {headers}");

    let html = postel.ok(&["read", &account, &news, "--html"], None);
    assert!(html.contains("Frühlingsfahrt 2026"), "{html}");
    assert!(
        !html.to_lowercase().contains("<style"),
        "plain sanitising: {html}"
    );
    let text = postel.ok(&["read", &account, &news, "--text"], None);
    // The sender's own text part, not the HTML.
    assert!(
        text.contains("die Touren des Monats") && !text.contains('<'),
        "{text}"
    );
    let no_html = postel.fails(&["read", &account, &mixed, "--html"], None);
    assert!(no_html.contains("has no HTML body"), "{no_html}");

    let dir = TempDir::new("saved");
    let target = dir.path().join("out");
    for _ in 0..2 {
        postel.ok(
            &[
                "read",
                &account,
                &mixed,
                "--save-attachments",
                target.to_str().expect("utf-8"),
            ],
            None,
        );
    }
    let mut names: Vec<String> = std::fs::read_dir(&target)
        .expect("saved")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.contains(&"Größe résumé.pdf".to_owned()), "{names:?}");
    assert!(
        names.contains(&"Größe résumé (1).pdf".to_owned()),
        "never overwritten: {names:?}"
    );
    assert!(
        names.contains(&"Preisliste März.csv".to_owned()),
        "{names:?}"
    );

    let png = dir.path().join("news.png");
    let said = postel.ok(
        &[
            "render",
            &account,
            &news,
            "--png",
            png.to_str().expect("utf-8"),
            "--width",
            "640",
        ],
        None,
    );
    assert!(said.contains("2 blocked, 0 loaded"), "{said}");
    let header = std::fs::read(&png).expect("png written");
    assert_eq!(&header[1..4], b"PNG");
    let width = u32::from_be_bytes(header[16..20].try_into().expect("width"));
    let height = u32::from_be_bytes(header[20..24].try_into().expect("height"));
    assert_eq!(width, 640);
    assert!(height > 300, "the whole page: {height}");
}

#[test]
fn render_writes_a_page_a_browser_can_show_and_says_what_failed() {
    let postel = Postel::new();
    let dir = TempDir::new("render");
    let png = dir.path().join("r.png");
    let html = dir.path().join("r.html");
    let render = |fixture: &str, extra: &[&str]| {
        let path = format!("{}/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
        let mut args = vec![
            "render",
            &path,
            "--png",
            png.to_str().expect("utf-8"),
            "--save-html",
            html.to_str().expect("utf-8"),
        ];
        args.extend_from_slice(extra);
        postel.ok(&args, None)
    };
    let said = render("newsletter.eml", &["--dark"]);
    assert!(said.contains("blocked, 0 loaded"), "{said}");
    let page = std::fs::read_to_string(&html).expect("html written");
    assert!(
        page.starts_with("<!DOCTYPE html>"),
        "no-quirks, as Postel lays out"
    );
    for active in [
        "<script",
        "onload",
        "onmouseover",
        "<form",
        "<iframe",
        "javascript:",
        "http-equiv",
    ] {
        assert!(!page.contains(active), "{active} in {page}");
    }
    render("newsletter-rich.eml", &[]);
    let page = std::fs::read_to_string(&html).expect("html written");
    assert!(
        page.contains("src=\"data:image/png;base64,"),
        "cid: embedded"
    );
    assert!(!page.contains("cid:"), "{page}");

    let missing = postel.fails(&["render", "/nonexistent.eml", "--png", "x.png"], None);
    assert!(
        missing.contains("/nonexistent.eml could not be read"),
        "{missing}"
    );
}

/// A message whose subject, sender and attachment names carry terminal
/// escapes and a right-to-left override; one attachment is named in 300
/// bytes of "é", one will find every name the save could use taken.
fn hostile_message() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/hostile-names.eml"
    );
    std::fs::read(path).expect("the fixture")
}

#[test]
fn hostile_names_and_escapes_are_saved_and_printed_safely() {
    let folder = unique("hostile");
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            let mut s = session("erin").await;
            s.create(&folder).await.expect("CREATE");
            s.append(&folder, None, None, &hostile_message())
                .await
                .expect("APPEND");
            let _ = s.logout().await;
        });
    let postel = Postel::new();
    let account = postel.add_imap("hostile", "erin", "erinpass");
    postel.ok(&["sync", &account, "--folder", &folder], None);
    let id = id_of(&postel, &account, &folder, 1).to_string();

    let shown = [
        postel.ok(&["list", &account, "--folder", &folder], None),
        postel.ok(&["read", &account, &id], None),
        postel.ok(&["read", &account, &id, "--text"], None),
        postel.ok(&["read", &account, &id, "--headers"], None),
    ];
    for out in &shown {
        for raw in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!out.contains(raw), "{raw:?} printed raw: {out:?}");
        }
    }
    assert!(shown[0].contains("\\u{1b}[31mred"), "{}", shown[0]);
    assert!(shown[1].contains("Boss\\u{1b}[2J"), "{}", shown[1]);
    assert!(shown[2].contains("one\\rpaid"), "no lone CR: {}", shown[2]);

    let dir = TempDir::new("hostile");
    let target = dir.path().join("out");
    std::fs::create_dir_all(&target).expect("made");
    // Every name "taken.bin" could be saved under is taken already.
    for n in 0..postel::message::save::NUMBERED_NAMES {
        let name = if n == 0 {
            "taken.bin".to_owned()
        } else {
            format!("taken ({n}).bin")
        };
        std::fs::write(target.join(name), b"").expect("made");
    }
    let out = postel.run(
        &[
            "read",
            &account,
            &id,
            "--save-attachments",
            target.to_str().expect("utf-8"),
        ],
        None,
    );
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(!out.status.success(), "one failed: {stdout}{stderr}");
    assert!(stderr.contains("\"taken.bin\""), "{stderr}");
    assert!(stderr.contains("1 of 3 attachments"), "{stderr}");
    let saved: Vec<&str> = stdout.lines().collect();
    assert_eq!(saved.len(), 2, "the others saved: {stdout}{stderr}");
    let accents = std::path::Path::new(saved[0]);
    let name = accents.file_name().and_then(|n| n.to_str()).expect("utf-8");
    assert!(name.ends_with("é.txt") && name.len() <= 200, "{name}");
    assert_eq!(std::fs::read(accents).expect("saved"), b"two");
    assert!(saved[1].ends_with("/invoicefdp.exe"), "{stdout}");
    assert_eq!(std::fs::read(saved[1]).expect("saved"), b"three");
}
