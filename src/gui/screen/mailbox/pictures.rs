//! Pictures attached to a message, shown under its text and as the
//! thumbnails of their attachment cards, as Thunderbird shows them.
//!
//! An attached picture is hostile input like the rest of the message: a
//! small file can declare a huge canvas (a "decompression bomb"). Each is
//! decoded off the UI thread within the limits below, then scaled down to
//! what a reader pane can show.

use std::io::Cursor;
use std::sync::Arc;

use iced::Task;
use iced::widget::image::Handle;

use super::{Message, Opened, State};

/// The widest and tallest canvas decoded: larger than any camera's
/// (a 50-megapixel photo is 8160 px wide), smaller than a bomb's.
const MAX_SIDE: u32 = 10_000;
/// The memory one decoding may take (a 10,000 × 10,000 RGBA canvas is
/// 400 MB; a phone photo about 50 MB).
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// Attachments larger than this are not previewed (they stay cards).
const MAX_BYTES: usize = 30 * 1024 * 1024;
/// At most this many pictures of a message are shown: each costs a
/// decoding and a texture.
const MAX_PICTURES: usize = 12;
/// Pictures are kept at most this wide (or tall): a reader pane is
/// narrower, and a 8000 px texture would cost 250 MB.
const SHOWN_SIDE: u32 = 1600;

/// A decoded picture of an attachment.
#[derive(Debug, Clone)]
pub struct Picture {
    /// The attachment's place in `message.attachments`.
    pub attachment: usize,
    pub handle: Handle,
    pub width: u32,
    pub height: u32,
    /// The middle square of it, small, for the attachment's card.
    pub thumb: Handle,
}

/// A decoded picture: shown size and pixels, and its card's thumbnail.
pub type Decoded = (Handle, u32, u32, Handle);

/// The side of a card's thumbnail, in pixels (twice what the card shows,
/// for HiDPI screens).
const THUMB_SIDE: u32 = 96;

/// Whether a part is a picture Postel decodes.
fn is_picture(mime_type: &str) -> bool {
    matches!(
        mime_type,
        "image/png" | "image/jpeg" | "image/jpg" | "image/pjpeg" | "image/gif"
    )
}

impl State {
    /// Starts decoding the opened message's attached pictures (not those
    /// the painted page already shows in place).
    pub(super) fn decode_pictures(&self, opened: &Opened) -> Task<Message> {
        let shown_in_page = opened
            .message
            .html
            .as_deref()
            .filter(|_| opened.html.is_some());
        let wanted: Vec<(usize, usize)> = opened
            .message
            .attachments
            .iter()
            .enumerate()
            .filter(|(_, p)| is_picture(&p.mime_type) && p.size <= MAX_BYTES)
            .filter(|(_, p)| match (shown_in_page, &p.content_id) {
                (Some(html), Some(cid)) => !html.contains(&format!("cid:{cid}")),
                _ => true,
            })
            .map(|(i, p)| (i, p.index))
            .take(MAX_PICTURES)
            .collect();
        let id = opened.row.id;
        let tasks = wanted.into_iter().map(|(attachment, index)| {
            let raw = Arc::clone(&opened.raw);
            Task::perform(
                async move {
                    tokio::task::spawn_blocking(move || {
                        let bytes = crate::message::part_bytes(&raw, index)
                            .ok_or_else(|| "the part is gone".to_owned())?;
                        decode(&bytes)
                    })
                    .await
                    .map_err(|e| e.to_string())?
                },
                move |result| Message::PictureDecoded(id, attachment, result),
            )
        });
        Task::batch(tasks)
    }

    /// A picture decoded (or not): kept if its message is still open.
    pub(super) fn picture_decoded(
        &mut self,
        id: i64,
        attachment: usize,
        result: Result<Decoded, String>,
    ) {
        let super::Reader::Ready(opened) = &mut self.reader else {
            return;
        };
        if opened.row.id != id {
            return;
        }
        match result {
            Ok((handle, width, height, thumb)) => opened.pictures.push(Picture {
                attachment,
                handle,
                width,
                height,
                thumb,
            }),
            // A broken picture stays a card to save; the log says why.
            Err(reason) => tracing::info!(%reason, "an attached picture was not shown"),
        }
        opened.pictures.sort_by_key(|p| p.attachment);
    }
}

/// Decodes a picture within the limits and scales it to [`SHOWN_SIDE`].
pub fn decode(bytes: &[u8]) -> Result<Decoded, String> {
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| e.to_string())?;
    let decoded = if decoded.width() > SHOWN_SIDE || decoded.height() > SHOWN_SIDE {
        decoded.thumbnail(SHOWN_SIDE, SHOWN_SIDE)
    } else {
        decoded
    };
    // The thumbnail: the middle square, as photo apps crop them.
    let side = decoded.width().min(decoded.height());
    let square = decoded.crop_imm(
        (decoded.width() - side) / 2,
        (decoded.height() - side) / 2,
        side,
        side,
    );
    let thumb = square.thumbnail(THUMB_SIDE, THUMB_SIDE).to_rgba8();
    let thumb = Handle::from_rgba(thumb.width(), thumb.height(), thumb.into_raw());
    let rgba = decoded.to_rgba8();
    let (width, height) = rgba.dimensions();
    Ok((
        Handle::from_rgba(width, height, rgba.into_raw()),
        width,
        height,
        thumb,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 40, 40, 255]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .expect("encoded");
        out
    }

    #[test]
    fn a_picture_is_decoded_and_a_large_one_scaled_down() {
        let (_, w, h, _) = decode(&png(40, 30)).expect("decoded");
        assert_eq!((w, h), (40, 30));
        let (_, w, h, _) = decode(&png(3200, 1600)).expect("decoded");
        assert_eq!((w, h), (1600, 800), "kept within SHOWN_SIDE, shape kept");
    }

    #[test]
    fn a_bomb_or_garbage_is_refused_not_decoded() {
        // Wider than any camera makes: a few hundred bytes of PNG that
        // would be a canvas past the limit.
        let wide = png(MAX_SIDE + 1, 1);
        assert!(wide.len() < 2000);
        assert!(decode(&wide).is_err());
        assert!(decode(b"not a picture at all").is_err());
        assert!(decode(&[]).is_err());
    }
}
