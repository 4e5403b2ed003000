//! Parsing real-world and hostile messages.

use super::*;
use crate::message::{Block, html, quote_blocks, search_text, snippet};

fn fixture(raw: &[u8]) -> Message {
    match parse(raw) {
        Ok(msg) => msg,
        Err(e) => panic!("fixture did not parse: {e}"),
    }
}

fn addr(name: Option<&str>, email: &str) -> Address {
    Address {
        name: name.map(str::to_owned),
        email: email.to_owned(),
    }
}

#[test]
fn plain_utf8_headers_and_body() {
    let msg = fixture(include_bytes!(
        "../../../../../tests/fixtures/plain-utf8.eml"
    ));
    assert_eq!(msg.subject.as_deref(), Some("Grüße aus Kraków — café ☕"));
    assert_eq!(
        msg.from,
        vec![addr(Some("Anna Łukasiewicz"), "anna@example.org")]
    );
    assert_eq!(
        msg.to,
        vec![
            addr(Some("Jörg Müller"), "jörg@bücher.example"),
            addr(None, "bob@example.net"),
        ]
    );
    // The group "Freunde:" is flattened into its members.
    assert_eq!(
        msg.cc,
        vec![
            addr(None, "carol@example.com"),
            addr(Some("Dave, der Bäcker"), "dave@example.com"),
        ]
    );
    assert_eq!(
        msg.reply_to,
        vec![addr(Some("Kuchenliste"), "kuchen@lists.example.org")]
    );
    // 2024-03-11 09:15:00 +0100
    assert_eq!(msg.date, Some(1_710_144_900));
    assert_eq!(
        msg.message_id.as_deref(),
        Some("20240311091500.4711@example.org")
    );
    assert_eq!(msg.in_reply_to.as_deref(), Some("kuchen-2@bücher.example"));
    assert_eq!(
        msg.references,
        ["kuchen-1@bücher.example", "kuchen-2@bücher.example"]
    );
    assert_eq!(msg.html, None);
    assert_eq!(msg.attachments, []);
    let text = msg.text.as_deref().unwrap_or_default();
    assert!(
        text.starts_with("Hallo Jörg,\n\ndie Grüße kommen pünktlich."),
        "{text}"
    );
    assert!(text.ends_with("-- \nAnna Łukasiewicz\nKraków\n"), "{text}");
}

#[test]
fn plain_utf8_quotes_fold_and_snippet_skips_them() {
    let msg = fixture(include_bytes!(
        "../../../../../tests/fixtures/plain-utf8.eml"
    ));
    let text = msg.text.as_deref().unwrap_or_default();
    assert_eq!(
        quote_blocks(text),
        vec![
            Block::Text(
                "Hallo Jörg,\n\ndie Grüße kommen pünktlich. Das Café öffnet um neun, der \
                 Kuchen steht bereit.\n\nAm Sonntag, 10. März 2024 schrieb Jörg Müller:"
                    .into()
            ),
            Block::Quote {
                depth: 1,
                text: "Kommst du morgen ins Café?".into()
            },
            Block::Quote {
                depth: 2,
                text: "Ich bringe Käsekuchen mit.".into()
            },
            Block::Quote {
                depth: 1,
                text: "Bis dann!".into()
            },
            Block::Text("\n-- \nAnna Łukasiewicz\nKraków".into()),
        ]
    );
    assert_eq!(
        snippet(&msg, 200),
        "Hallo Jörg, die Grüße kommen pünktlich. Das Café öffnet um neun, der Kuchen steht bereit."
    );
    assert_eq!(snippet(&msg, 30), "Hallo Jörg, die Grüße kommen…");
    assert!(search_text(&msg).contains("Käsekuchen"));
}

#[test]
fn flowed_delsp_is_reflowed() {
    let msg = fixture(include_bytes!(
        "../../../../../tests/fixtures/flowed-delsp.eml"
    ));
    assert_eq!(
        msg.text.as_deref(),
        Some(
            "Liebe Kolleginnen und Kollegen, dieser Absatz ist absichtlich so lang, dass er \
             umbrochen werden muss. Das Donaudampfschifffahrtsgesellschaft zahlt die Rechnung.\n\
             \n\
             Eine feste Zeile.\n\
             From here on the line was space-stuffed.\n\
             \n\
             > Zitat erster Teil, der weiter geht und hier endet.\n\
             >> Tiefer zitiert, auch umbrochen.\n\
             \n\
             -- \n\
             Kai Weber\n\
             Projektbüro\n"
        )
    );
}

#[test]
fn reflow_without_delsp_keeps_the_space() {
    assert_eq!(
        reflow("one \ntwo \nthree\nfour\n", false),
        "one two three\nfour\n"
    );
    assert_eq!(reflow("one \ntwo\n", true), "onetwo\n");
    // A flowed line followed by another depth ends its paragraph.
    assert_eq!(
        reflow("> quoted \nnot quoted\n", false),
        "> quoted \nnot quoted\n"
    );
    assert_eq!(reflow(">\n", false), ">\n");
}

#[test]
fn latin1_quoted_printable_and_encoded_words() {
    let msg = fixture(include_bytes!(
        "../../../../../tests/fixtures/latin1-qp.eml"
    ));
    // Two encoded words on folded lines join without the folding space.
    assert_eq!(msg.subject.as_deref(), Some("Résumé de la réunion"));
    assert_eq!(
        msg.from,
        vec![addr(Some("Françoise Lefèvre"), "francoise@example.fr")]
    );
    assert_eq!(msg.to, vec![addr(Some("Équipe"), "equipe@example.fr")]);
    assert_eq!(msg.date, Some(1_710_322_200));
    let text = msg.text.as_deref().unwrap_or_default();
    assert!(
        text.starts_with("Bonjour à tous,\n\nLe procès-verbal"),
        "{text}"
    );
    // The soft line break inside this sentence is gone.
    assert!(
        text.contains(
            "Il coûte 12,50 £ à imprimer, ce qui est un peu cher pour une simple feuille de présence.\n"
        ),
        "{text}"
    );
}

#[test]
fn windows_1252_specials() {
    let msg = fixture(include_bytes!(
        "../../../../../tests/fixtures/windows-1252.eml"
    ));
    assert_eq!(msg.subject.as_deref(), Some("„Frühling“ – 49 €"));
    assert_eq!(
        msg.from,
        vec![addr(Some("Möbelhaus Müller"), "info@moebel.example")]
    );
    let text = msg.text.as_deref().unwrap_or_default();
    assert!(
        text.contains("unser „Frühlingsangebot“ kostet nur 49 € – gültig bis Ostern…"),
        "{text}"
    );
}

#[test]
fn koi8_r() {
    let msg = fixture(include_bytes!("../../../../../tests/fixtures/koi8-r.eml"));
    assert_eq!(msg.subject.as_deref(), Some("Встреча в пятницу"));
    assert_eq!(
        msg.from,
        vec![addr(Some("Дмитрий Иванов"), "dmitry@example.ru")]
    );
    assert_eq!(msg.to, vec![addr(Some("Ольга"), "olga@example.ru")]);
    assert_eq!(
        msg.text.as_deref(),
        Some("Привет, Ольга!\n\nВстреча переносится на пятницу.\n\nС уважением,\nДмитрий\n")
    );
}

#[test]
fn iso_2022_jp() {
    let msg = fixture(include_bytes!(
        "../../../../../tests/fixtures/iso-2022-jp.eml"
    ));
    assert_eq!(msg.subject.as_deref(), Some("会議の予定について"));
    assert_eq!(msg.from, vec![addr(Some("佐藤花子"), "sato@example.jp")]);
    assert_eq!(
        msg.text.as_deref(),
        Some("山田様\n\n明日の会議は十時からです。\n資料を添付しておきます。\n\n佐藤\n")
    );
}

#[test]
fn alternative_keeps_text_and_html_apart() {
    let msg = fixture(include_bytes!(
        "../../../../../tests/fixtures/alternative.eml"
    ));
    // The fixture has CRLF line ends; the model has LF.
    assert_eq!(
        msg.text.as_deref(),
        Some(
            "Hallo zusammen,\n\ndie Sitzung am Donnerstag ist auf 15 Uhr verschoben.\n\
             Raum: Großer Saal.\n\nGruß\nLena\n"
        )
    );
    let html = msg.html.as_deref().unwrap_or_default();
    assert!(html.contains("die <b>Sitzung</b> am Donnerstag"), "{html}");
    assert_eq!(msg.attachments, []);
    assert_eq!(msg.date, Some(1_710_863_100));
    assert_eq!(search_text(&msg), msg.text.clone().unwrap_or_default());
}

#[test]
fn html_only_message_has_no_text() {
    let msg = fixture(
        b"From: a@example.org\nContent-Type: text/html; charset=utf-8\n\n<p>Nur <b>HTML</b></p>\n",
    );
    assert_eq!(msg.text, None);
    assert_eq!(msg.html.as_deref(), Some("<p>Nur <b>HTML</b></p>\n"));
    assert_eq!(snippet(&msg, 80), "Nur HTML");
}

fn pdf_bytes() -> Vec<u8> {
    let mut pdf =
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            .to_vec();
    pdf.extend(0..=255u8);
    pdf.extend_from_slice(b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
    pdf
}

#[test]
fn mixed_attachments_names_sizes_and_bytes() {
    let raw = include_bytes!("../../../../../tests/fixtures/mixed-attachments.eml");
    let msg = fixture(raw);
    assert_eq!(
        msg.text.as_deref(),
        Some("Anbei der Lebenslauf und die Preisliste.\n")
    );
    assert_eq!(
        msg.attachments,
        vec![
            Part {
                // RFC 2231 with continuations and a language tag.
                name: Some("Größe résumé.pdf".into()),
                mime_type: "application/pdf".into(),
                size: 353,
                content_id: None,
                inline: false,
                index: 2,
            },
            Part {
                // RFC 2047 in the Content-Type name parameter.
                name: Some("Preisliste März.csv".into()),
                mime_type: "text/csv".into(),
                size: 38,
                content_id: None,
                inline: false,
                index: 3,
            },
        ]
    );
    assert_eq!(part_bytes(raw, 2), Some(pdf_bytes()));
    // The text attachment keeps its Latin-1 bytes.
    assert_eq!(
        part_bytes(raw, 3).as_deref(),
        Some(&b"Artikel;Preis\nK\xe4se;4,20\nBr\xf6tchen;0,45\n"[..])
    );
    assert_eq!(
        part_bytes(raw, 0),
        None,
        "a multipart container has no bytes"
    );
    assert_eq!(part_bytes(raw, 99), None);
}

#[test]
fn related_html_with_a_cid_image() {
    let raw = include_bytes!("../../../../../tests/fixtures/related-cid.eml");
    let msg = fixture(raw);
    assert_eq!(msg.text.as_deref(), Some("Hier ist das neue Logo.\n"));
    let html = msg.html.as_deref().unwrap_or_default();
    assert!(
        html.contains(r#"<img src="cid:logo.2024@example.com""#),
        "{html}"
    );
    assert_eq!(
        msg.attachments,
        vec![Part {
            name: Some("logo.png".into()),
            mime_type: "image/png".into(),
            size: 70,
            content_id: Some("logo.2024@example.com".into()),
            inline: true,
            index: 4,
        }]
    );
    let png = part_bytes(raw, 4).unwrap_or_default();
    assert_eq!(png.len(), 70);
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // The image the reader resolves through cid: is neither removed
    // nor counted as remote.
    assert!(html::sanitize(html).contains(r#"src="cid:logo.2024@example.com""#));
    assert!(!html::has_remote_content(html));
}

#[test]
fn attached_message_is_one_attachment() {
    let raw = include_bytes!("../../../../../tests/fixtures/forwarded-rfc822.eml");
    let msg = fixture(raw);
    assert_eq!(msg.subject.as_deref(), Some("Fwd: Quartalszahlen Q1"));
    assert_eq!(msg.text.as_deref(), Some("Zur Info, siehe unten.\n"));
    assert_eq!(
        msg.attachments,
        vec![Part {
            name: None,
            mime_type: "message/rfc822".into(),
            size: 216,
            content_id: None,
            inline: false,
            index: 2,
        }]
    );
    let inner_raw = part_bytes(raw, 2).unwrap_or_default();
    assert!(inner_raw.starts_with(b"From: Finanz <finanz@example.com>\n"));
    assert!(inner_raw.ends_with(b"Umsatz Q1: 1,2 Mio. Euro.\n"));
    let inner = fixture(&inner_raw);
    assert_eq!(inner.subject.as_deref(), Some("Quartalszahlen Q1"));
    assert_eq!(inner.text.as_deref(), Some("Umsatz Q1: 1,2 Mio. Euro.\n"));
}

#[test]
fn newsletter_text_part_is_the_snippet_source() {
    let msg = fixture(include_bytes!(
        "../../../../../tests/fixtures/newsletter.eml"
    ));
    assert_eq!(
        msg.subject.as_deref(),
        Some("Frühlingsangebote im Gartenmarkt")
    );
    assert_eq!(
        snippet(&msg, 100),
        "Frühlingsangebote Alles für den Garten: https://shop.news.example/garten"
    );
    assert!(msg.html.as_deref().is_some_and(|h| h.contains("<script>")));
}

#[test]
fn broken_mime_is_salvaged() {
    let raw = include_bytes!("../../../../../tests/fixtures/broken-mime.eml");
    let msg = fixture(raw);
    assert_eq!(msg.subject.as_deref(), Some("Defekte Nachricht"));
    // Unknown charset label: the bytes are UTF-8 and are read as such.
    assert_eq!(
        msg.text.as_deref(),
        Some("Grüße trotz falscher Zeichensatzangabe.\n")
    );
    assert_eq!(
        msg.attachments,
        vec![Part {
            name: Some("daten.bin".into()),
            mime_type: "application/octet-stream".into(),
            size: 39,
            content_id: None,
            inline: false,
            index: 2,
        }]
    );
    // The base64 was cut off and the closing boundary never came: what
    // did arrive is decoded.
    assert_eq!(
        part_bytes(raw, 2).as_deref(),
        Some(&b"Erste Zeile der Daten\nZweite Zeile der "[..])
    );
}

#[test]
fn message_without_body() {
    let msg = fixture(include_bytes!("../../../../../tests/fixtures/no-body.eml"));
    assert_eq!(msg.subject.as_deref(), Some("Nur Betreff"));
    assert_eq!(msg.from, vec![addr(Some("Leer"), "leer@example.com")]);
    assert_eq!(msg.date, Some(1_711_310_400));
    assert_eq!((msg.text.as_deref(), msg.html.as_deref()), (None, None));
    assert_eq!(msg.attachments, []);
    assert_eq!(snippet(&msg, 80), "");
    assert_eq!(search_text(&msg), "");
}

#[test]
fn data_that_is_not_a_message_is_an_error() {
    for input in [
        &b""[..],
        b"\n\n\n",
        b"just some words",
        b"\x00\x01\x02\xff\xfe",
    ] {
        match parse(input) {
            Err(Error::NotAMessage) => {}
            other => panic!("{input:?} gave {other:?}"),
        }
    }
    assert!(
        Error::NotAMessage
            .to_string()
            .contains("not an email message")
    );
}

#[test]
fn odd_headers_do_not_fail() {
    // An mbox "From " line, a name without an address, a date in words
    // and an encoded word in an unknown charset.
    let raw = b"From Leer Mon Jan  1 00:00:00 2024\nFrom: Only A Name\nDate: yesterday-ish\n\
                Subject: =?x-unknown?Q?caf=E9?=\n\nBody\n";
    let msg = fixture(raw);
    assert_eq!(msg.date, None);
    assert_eq!(msg.from, vec![addr(Some("Only A Name"), "")]);
    assert_eq!(msg.subject.as_deref(), Some("caf\u{fffd}"));
    assert_eq!(msg.text.as_deref(), Some("Body\n"));
    // A date mail-parser reads but that cannot exist.
    let msg = fixture(b"From: a@example.org\nDate: Mon, 32 Feb 2024 25:61:00 +0000\n\nx\n");
    assert_eq!(msg.date, None);
}

#[test]
fn attachment_names_cannot_pick_a_directory() {
    assert_eq!(file_name("../../etc/passwd").as_deref(), Some("passwd"));
    assert_eq!(
        file_name(r"C:\Users\x\report.pdf").as_deref(),
        Some("report.pdf")
    );
    assert_eq!(
        file_name("bad\u{7}name.txt").as_deref(),
        Some("badname.txt")
    );
    assert_eq!(file_name(".."), None);
    assert_eq!(file_name("dir/"), None);
}

#[test]
fn base64_salvage_keeps_whole_groups() {
    assert_eq!(salvage_base64(b"QUJD\nREVG\nR0"), b"ABCDEF");
    assert_eq!(salvage_base64(b"QUI=\n"), b"AB");
    assert_eq!(salvage_base64(b"QUJD!!REVG"), b"ABC");
    assert_eq!(salvage_base64(b""), b"");
}

#[test]
fn crlf_becomes_lf_and_a_lone_cr_stays() {
    assert_eq!(lf_only("a\r\nb\r\n"), "a\nb\n");
    assert_eq!(lf_only("a\rb\r"), "a\rb\r");
    assert_eq!(lf_only("\r\r\nä\r\n\n"), "\r\nä\n\n");
    assert_eq!(lf_only(""), "");
}
