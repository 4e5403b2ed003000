//! Attached pictures: decoded off the UI thread within bounds, shown under
//! the text with their names, and as their cards' thumbnails.

use super::*;

/// A small PNG, base64 for a MIME part.
fn png_base64(width: u32, height: u32) -> String {
    use base64::Engine as _;
    let img = image::RgbaImage::from_pixel(width, height, image::Rgba([30, 120, 200, 255]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encoded");
    base64::engine::general_purpose::STANDARD.encode(out)
}

/// A text message with two attached pictures and a broken one.
pub(super) fn with_pictures() -> Vec<u8> {
    format!(
        "From: Ben Okafor <ben@example.test>\r\nTo: work@example.test\r\nSubject: Photos\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
         --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHere are the photos.\r\n\
         --b\r\nContent-Type: image/png; name=ahr.png\r\nContent-Disposition: attachment; filename=ahr.png\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --b\r\nContent-Type: image/png; name=summit.png\r\nContent-Disposition: attachment; filename=summit.png\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --b\r\nContent-Type: image/jpeg; name=broken.jpg\r\nContent-Disposition: attachment; filename=broken.jpg\r\n\
         Content-Transfer-Encoding: base64\r\n\r\nbm90IGEgcGljdHVyZQ==\r\n\
         --b--\r\n",
        png_base64(320, 200),
        png_base64(2400, 1200)
    )
    .into_bytes()
}

#[test]
fn attached_pictures_show_under_the_text_and_a_broken_one_stays_a_card() {
    let (dirs, ids) = populated("pictures", 2);
    with_body(&dirs, ids[1], &with_pictures());
    let mut app = started(dirs);
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::List(
            crate::gui::widget::message_list::Message::Clicked(ids[1]),
        ))],
    );
    let opened = app
        .mailbox
        .as_ref()
        .and_then(|m| m.opened())
        .expect("opened");
    let shown: Vec<(usize, u32, u32)> = opened
        .pictures
        .iter()
        .map(|p| (p.attachment, p.width, p.height))
        .collect();
    assert_eq!(
        shown,
        [(0, 320, 200), (1, 1600, 800)],
        "both pictures, the large one scaled down; the broken one not"
    );
    assert_eq!(opened.body.text().trim(), "Here are the photos.");
    let mut ui = simulator(app.view());
    // Each picture's name under it, and on its card; the broken one only
    // on its card.
    for name in ["ahr.png", "summit.png", "broken.jpg"] {
        assert!(ui.find(name).is_ok(), "{name}");
    }
}
