//! Building messages: recipients, text, HTML and Markdown, attachments,
//! replies and forwards.

use super::*;
use crate::account::Account;

fn account() -> Account {
    Account {
        name: "t".into(),
        display_name: "Alice Ädler".into(),
        email: "alice@example.test".into(),
        signature: Some("Alice\nexample.test".into()),
        ..Account::default()
    }
}

#[test]
fn flowed_wraps_with_soft_breaks_and_stuffs() {
    let long = "word ".repeat(30);
    let out = flowed(&format!(
        "{}\n>quoted line\nFrom here\n plain",
        long.trim_end()
    ));
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].len() <= 73 && lines[0].ends_with(' '),
        "{:?}",
        lines[0]
    );
    assert!(!lines[1].ends_with(' ') || lines.len() > 4);
    assert!(lines.contains(&">quoted line"));
    assert!(lines.contains(&" From here"));
    assert!(lines.contains(&"  plain"));
    // Unwrapping the soft breaks gives the words back.
    let joined: String = lines
        .iter()
        .take_while(|l| !l.starts_with('>'))
        .copied()
        .collect::<Vec<_>>()
        .join("");
    assert_eq!(joined.split_whitespace().count(), 30);
}

/// Markdown goes out as the text itself plus an HTML alternative made
/// from it, the signature in both; a reader picks either.
#[test]
fn markdown_is_sent_as_text_and_html_alternative() {
    let draft = Draft {
        to: vec!["bob@example.test".into()],
        subject: "Plan".into(),
        text: "The **plan**:\n\n- ride\n- eat\n".into(),
        markdown: true,
        ..Draft::default()
    };
    let raw = build(&account(), &draft)
        .expect("builds")
        .raw()
        .expect("writes");
    let parsed = crate::message::parse(&raw).expect("parses");
    let text = parsed.text.expect("a text part");
    assert!(text.contains("The **plan**:"), "{text}");
    assert!(text.contains("Alice"), "signed: {text}");
    let html = parsed.html.expect("an HTML part");
    assert!(html.contains("<strong>plan</strong>"), "{html}");
    assert!(html.contains("<li>ride</li>"));
    assert!(html.contains("-- <br>"), "signed: {html}");
    assert!(
        String::from_utf8_lossy(&raw).contains("multipart/alternative"),
        "alternatives"
    );
}

#[test]
fn builds_with_bcc_only_in_the_envelope_and_a_signature() {
    let draft = Draft {
        to: vec!["Bob <bob@example.test>, carol@example.test".into()],
        bcc: vec!["secret@example.test".into()],
        subject: "Grüße".into(),
        text: "Hello".into(),
        ..Draft::default()
    };
    let built = build(&account(), &draft).expect("builds");
    assert_eq!(
        built.recipients,
        [
            "bob@example.test",
            "carol@example.test",
            "secret@example.test"
        ]
    );
    let parsed = crate::message::parse(&built.raw().expect("writes")).expect("parses");
    assert_eq!(parsed.subject.as_deref(), Some("Grüße"));
    assert_eq!(parsed.from[0].name.as_deref(), Some("Alice Ädler"));
    assert_eq!(parsed.to.len(), 2);
    assert!(
        !String::from_utf8_lossy(&built.raw().expect("writes"))
            .to_lowercase()
            .contains("secret@"),
        "Bcc hidden"
    );
    let text = parsed.text.expect("text");
    assert!(
        text.starts_with("Hello\n\n-- \nAlice\nexample.test"),
        "{text:?}"
    );
    assert_eq!(
        parsed.message_id.as_deref(),
        Some(built.message_id.as_str())
    );
}

#[test]
fn attachments_keep_bytes_and_non_ascii_names() {
    let dir = std::env::temp_dir().join(format!("postel-compose-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("Größe résumé.pdf");
    let data: Vec<u8> = b"%PDF-1.4\n"
        .iter()
        .copied()
        .chain((0..5000u32).map(|i| (i * 7) as u8))
        .collect();
    std::fs::write(&path, &data).expect("write");
    let draft = Draft {
        to: vec!["bob@example.test".into()],
        subject: "files".into(),
        text: "see attached".into(),
        html: Some("<p>see <b>attached</b></p>".into()),
        attachments: vec![AttachmentSource::File(path.clone())],
        ..Draft::default()
    };
    let built = build(&account(), &draft).expect("builds");
    let parsed = crate::message::parse(&built.raw().expect("writes")).expect("parses");
    let part = parsed.attachments.first().expect("attachment");
    assert_eq!(part.name.as_deref(), Some("Größe résumé.pdf"));
    assert_eq!(part.mime_type, "application/pdf");
    assert_eq!(
        crate::message::part_bytes(&built.raw().expect("writes"), part.index),
        Some(data)
    );
    assert!(parsed.html.expect("html").contains("<b>attached</b>"));
    std::fs::remove_dir_all(dir).expect("cleanup");
}

#[test]
fn a_large_attachment_is_written_from_its_file_byte_for_byte() {
    let dir = std::env::temp_dir().join(format!("postel-compose-large-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("große daten.bin");
    // Not a multiple of the 57-byte line or the read chunk, and every byte value.
    let data: Vec<u8> = (0..3_000_017u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &data).expect("write");
    let draft = Draft {
        to: vec!["bob@example.test".into()],
        subject: "big".into(),
        text: "the data".into(),
        attachments: vec![
            AttachmentSource::File(path.clone()),
            AttachmentSource::Bytes {
                name: "small.txt".into(),
                mime_type: "text/plain".into(),
                data: b"in memory".to_vec(),
            },
            AttachmentSource::File(path.clone()),
        ],
        ..Draft::default()
    };
    let built = build(&account(), &draft).expect("builds");
    let raw = built.raw().expect("writes");
    assert_eq!(
        raw.len() as u64,
        built.message.len(),
        "length known up front"
    );
    assert!(
        raw.len() < data.len() * 2 * 14 / 10,
        "two copies of the file, base64 only"
    );
    let parsed = crate::message::parse(&raw).expect("parses");
    assert_eq!(parsed.attachments.len(), 3);
    for (i, want) in [&data[..], b"in memory", &data[..]].into_iter().enumerate() {
        let part = &parsed.attachments[i];
        assert_eq!(
            crate::message::part_bytes(&raw, part.index).as_deref(),
            Some(want),
            "attachment {i}"
        );
    }
    assert_eq!(
        parsed.attachments[0].name.as_deref(),
        Some("große daten.bin")
    );
    // A file that changes after the message was built is not sent as something else.
    std::fs::write(&path, b"shorter").expect("rewrite");
    assert!(built.raw().is_err());
    std::fs::remove_dir_all(dir).expect("cleanup");
}

#[test]
fn bad_or_missing_recipients_are_refused() {
    let mut draft = Draft {
        subject: "x".into(),
        ..Draft::default()
    };
    assert!(matches!(build(&account(), &draft), Err(Error::NoRecipient)));
    draft.to = vec!["not an address".into()];
    assert!(matches!(
        build(&account(), &draft),
        Err(Error::BadAddress(_))
    ));
}

#[test]
fn reply_all_threads_quotes_and_leaves_me_out() {
    let raw = b"From: Bob <bob@example.test>\r\nTo: alice@example.test, carol@example.test\r\nCc: dave@example.test\r\nSubject: Plans\r\nDate: Tue, 3 Mar 2026 09:00:00 +0000\r\nMessage-ID: <p2@example.test>\r\nReferences: <p1@example.test>\r\n\r\nLet's meet.\r\n> earlier\r\n";
    let original = crate::message::parse(raw).expect("parses");
    let draft = reply(&account(), &original, true);
    assert_eq!(draft.to, ["\"Bob\" <bob@example.test>"]);
    assert_eq!(draft.cc, ["carol@example.test", "dave@example.test"]);
    assert_eq!(draft.subject, "Re: Plans");
    assert_eq!(draft.in_reply_to.as_deref(), Some("p2@example.test"));
    assert_eq!(draft.references, ["p1@example.test", "p2@example.test"]);
    assert!(
        draft
            .text
            .contains("On Tue, 3 Mar 2026 09:00 UTC, Bob wrote:\n> Let's meet.\n>> earlier\n"),
        "{}",
        draft.text
    );
    let again = reply(
        &account(),
        &crate::message::parse(b"Subject: RE: Plans\r\nFrom: x@y.z\r\n\r\nhi").expect("p"),
        false,
    );
    assert_eq!(again.subject, "RE: Plans");
    let built = build(&account(), &draft).expect("builds");
    let parsed = crate::message::parse(&built.raw().expect("writes")).expect("parses");
    assert_eq!(parsed.in_reply_to.as_deref(), Some("p2@example.test"));
    assert_eq!(parsed.references, ["p1@example.test", "p2@example.test"]);
}

#[test]
fn forward_inline_or_attached() {
    let raw = b"From: Bob <bob@example.test>\r\nTo: alice@example.test\r\nSubject: Report\r\nMessage-ID: <r@x>\r\n\r\nNumbers inside.\r\n";
    let original = crate::message::parse(raw).expect("parses");
    let inline = forward(&original, raw, false);
    assert_eq!(inline.subject, "Fwd: Report");
    assert!(
        inline
            .text
            .contains("-------- Forwarded Message --------\nSubject: Report\n")
    );
    assert!(inline.text.contains("Numbers inside."));
    let attached = forward(&original, raw, true);
    let mut draft = attached.clone();
    draft.to = vec!["carol@example.test".into()];
    let built = build(&account(), &draft).expect("builds");
    let parsed = crate::message::parse(&built.raw().expect("writes")).expect("parses");
    let part = parsed
        .attachments
        .first()
        .expect("the original rides along");
    assert_eq!(part.mime_type, "message/rfc822");
    assert_eq!(
        crate::message::part_bytes(&built.raw().expect("writes"), part.index).as_deref(),
        Some(&raw[..])
    );
}

#[test]
fn mime_from_content_then_name() {
    assert_eq!(
        guess_mime(Path::new("x.bin"), b"\x89PNG\r\n\x1a\n...."),
        "image/png"
    );
    assert_eq!(
        guess_mime(Path::new("notes.txt"), b"plain words"),
        "text/plain"
    );
    assert_eq!(
        guess_mime(Path::new("blob"), &[0, 1, 2, 3]),
        "application/octet-stream"
    );
}
