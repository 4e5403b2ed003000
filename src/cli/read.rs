//! `postel read` and `postel render`: one message, as text, HTML, headers,
//! raw, saved attachments, or painted by the reader's own engine.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::Failure;
use super::terminal::{escape_bytes, escape_line, escape_text};
use crate::engine::Engine;
use crate::message::{Address, Message};
use crate::render::{Options, Page, Resources};

#[derive(Debug, Args)]
pub struct ReadArgs {
    account: String,
    id: i64,
    /// Print only the body as plain text (HTML converted, links listed).
    #[arg(long, group = "form")]
    text: bool,
    /// Print only the HTML body, sanitised as the reader shows it.
    #[arg(long, group = "form")]
    html: bool,
    /// Print the raw RFC 5322 message, byte for byte (for a file or a pipe:
    /// nothing in it is escaped).
    #[arg(long, group = "form")]
    raw: bool,
    /// Print the header section as it was received, with control
    /// characters and bytes that are not UTF-8 shown as escapes.
    #[arg(long, group = "form")]
    headers: bool,
    /// Save every attachment into DIR (under safe names, never overwriting).
    #[arg(long, value_name = "DIR")]
    save_attachments: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// A message file (.eml), or an account name followed by a message id.
    #[arg(required = true, num_args = 1..=2, value_names = ["FILE.eml|ACCOUNT", "ID"])]
    source: Vec<String>,
    /// Where to write the picture.
    #[arg(long, value_name = "OUT.png")]
    png: PathBuf,
    /// Layout width in CSS pixels.
    #[arg(long, default_value_t = 800,
          value_parser = clap::value_parser!(u32).range(200..=4000))]
    width: u32,
    /// Device pixels per CSS pixel (2 for a HiDPI screen).
    #[arg(long, default_value_t = 1.0)]
    scale: f32,
    /// Paint as the reader does in a dark theme.
    #[arg(long)]
    dark: bool,
    /// Fetch remote images, style sheets and fonts, as "Load remote content" does.
    #[arg(long)]
    load_remote: bool,
    /// Also write the sanitised HTML that was laid out, with the message's
    /// inline pictures embedded, so a browser can show the same page.
    #[arg(long, value_name = "FILE.html")]
    save_html: Option<PathBuf>,
}

pub async fn read(engine: &mut Engine, args: ReadArgs) -> Result<ExitCode, Failure> {
    let bytes = engine.body(&args.account, args.id).await?;
    let mut out = std::io::stdout().lock();
    if args.raw {
        // Unescaped on purpose: --raw is the message byte for byte, for a
        // pipe or a file (`> message.eml`); --headers and --text are the
        // forms meant for a terminal.
        out.write_all(&bytes)?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.headers {
        write!(out, "{}", escape_bytes(header_section(&bytes)))?;
        return Ok(ExitCode::SUCCESS);
    }
    let msg = crate::message::parse(&bytes)?;
    if args.html {
        let html = msg
            .html
            .as_deref()
            .ok_or_else(|| Failure(format!("message {} has no HTML body; try --text.", args.id)))?;
        writeln!(
            out,
            "{}",
            escape_text(&crate::message::html::sanitize(html))
        )?;
    } else if args.text {
        write!(out, "{}", escape_text(&body_text(&msg)))?;
    } else if args.save_attachments.is_none() {
        summary(&mut out, &msg)?;
    }
    if let Some(dir) = &args.save_attachments {
        let failed = save_attachments(&mut out, &mut std::io::stderr(), &msg, &bytes, dir)?;
        if failed > 0 {
            return Ok(ExitCode::FAILURE);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The text a reader would see: the plain part, or the HTML as text with
/// its links listed.
fn body_text(msg: &Message) -> String {
    match (&msg.text, &msg.html) {
        (Some(text), _) => format!("{}\n", text.trim_end()),
        (None, Some(html)) => crate::message::html::to_text(html, 78),
        (None, None) => String::new(),
    }
}

fn summary(out: &mut impl Write, msg: &Message) -> std::io::Result<()> {
    let names = |list: &[Address]| {
        let joined = list
            .iter()
            .map(|a| match &a.name {
                Some(n) => format!("{n} <{}>", a.email),
                None => a.email.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        escape_line(&joined).into_owned()
    };
    writeln!(out, "From:    {}", names(&msg.from))?;
    writeln!(out, "To:      {}", names(&msg.to))?;
    if !msg.cc.is_empty() {
        writeln!(out, "Cc:      {}", names(&msg.cc))?;
    }
    writeln!(
        out,
        "Subject: {}",
        escape_line(msg.subject.as_deref().unwrap_or(""))
    )?;
    if let Some(date) = msg.date {
        writeln!(out, "Date:    {} UTC", crate::date::short(date))?;
    }
    writeln!(out)?;
    write!(out, "{}", escape_text(&body_text(msg)))?;
    for part in &msg.attachments {
        writeln!(
            out,
            "[attachment {}: {} ({}, {} bytes)]",
            part.index,
            escape_line(part.name.as_deref().unwrap_or("unnamed")),
            escape_line(&part.mime_type),
            part.size
        )?;
    }
    Ok(())
}

/// Saves each attachment on its own: the path of each one saved goes to
/// `out`, what went wrong with each other one to `err`, so one bad name or
/// part does not cost the rest. Answers how many could not be saved.
fn save_attachments(
    out: &mut impl Write,
    err: &mut impl Write,
    msg: &Message,
    raw: &[u8],
    dir: &Path,
) -> Result<usize, Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure(format!("{} could not be created: {e}.", dir.display())))?;
    let mut failed = 0;
    let indexes: Vec<usize> = msg.attachments.iter().map(|part| part.index).collect();
    let all = crate::message::parts_bytes(raw, &indexes);
    for (part, bytes) in msg.attachments.iter().zip(all) {
        let fallback = format!("attachment-{}", part.index);
        let name = part.name.as_deref().unwrap_or(&fallback);
        let saved = match bytes {
            Some(data) => crate::message::save::save_in(dir, name, &data)
                .map_err(|e| format!("could not be saved in {}: {e}", dir.display())),
            None => Err("could not be read from the message".to_owned()),
        };
        match saved {
            Ok(path) => writeln!(out, "{}", escape_line(&path.display().to_string()))?,
            Err(why) => {
                failed += 1;
                writeln!(
                    err,
                    "postel: attachment {} \"{}\" {}.",
                    part.index,
                    escape_line(name),
                    escape_text(&why)
                )?;
            }
        }
    }
    if failed > 0 {
        writeln!(
            err,
            "postel: {failed} of {} attachments could not be saved.",
            msg.attachments.len()
        )?;
    }
    Ok(failed)
}

/// Everything before the first empty line (the whole message if there is
/// none).
fn header_section(raw: &[u8]) -> &[u8] {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 2)
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|p| p + 1))
        .unwrap_or(raw.len());
    &raw[..end]
}

pub async fn render(engine: &mut Engine, args: RenderArgs) -> Result<ExitCode, Failure> {
    let raw = match args.source.as_slice() {
        [account, id] => {
            let id: i64 = id
                .parse()
                .map_err(|_| Failure(format!("\"{id}\" is not a message id.")))?;
            engine.body(account, id).await?
        }
        [file] => {
            std::fs::read(file).map_err(|e| Failure(format!("{file} could not be read: {e}.")))?
        }
        _ => {
            return Err(Failure(
                "give a message file, or an account and a message id.".into(),
            ));
        }
    };
    let options = Options {
        width: args.width,
        scale: args.scale.clamp(0.5, 4.0),
        dark: args.dark,
    };
    let load_remote = args.load_remote;
    let png = args.png.clone();
    let save_html = args.save_html.clone();
    // On a thread whose stack holds the deepest page the sanitiser lets through.
    let report = crate::render::on_layout_stack(move || -> Result<String, Failure> {
        let started = std::time::Instant::now();
        let msg = crate::message::parse(&raw)?;
        let mut resources = Resources::from_message(&msg, &raw);
        if load_remote {
            resources = resources.allow_remote().map_err(Failure)?;
        }
        let html = crate::render::html_of(&msg);
        if let Some(path) = &save_html {
            // Postel lays out in no-quirks mode; the doctype asks a
            // browser for the same.
            let page = format!(
                "<!DOCTYPE html>\n{}",
                embed_inline_parts(
                    &crate::message::html::sanitize_for_layout(&html),
                    &msg,
                    &raw,
                )
            );
            std::fs::write(path, page)
                .map_err(|e| Failure(format!("{} could not be written: {e}.", path.display())))?;
        }
        let mut page = Page::layout(&html, resources, options)?;
        let laid_out = started.elapsed();
        let bitmap = page.paint_all()?;
        let painted = started.elapsed() - laid_out;
        image::RgbaImage::from_raw(bitmap.width, bitmap.height, bitmap.rgba)
            .ok_or_else(|| Failure("the painted page had the wrong size.".into()))?
            .save_with_format(&png, image::ImageFormat::Png)
            .map_err(|e| Failure(format!("{} could not be written: {e}.", png.display())))?;
        let blocked = page.blocked_remote().len();
        let fetched = page.fetched_remote().len();
        Ok(format!(
            "Wrote {} ({}×{} px); remote resources: {blocked} blocked, {fetched} loaded; \
             parsed and laid out in {} ms, painted in {} ms.",
            png.display(),
            bitmap.width,
            bitmap.height,
            laid_out.as_millis(),
            painted.as_millis()
        ))
    })
    .await
    .ok_or_else(|| Failure("the layout thread stopped.".into()))??;
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

/// `cid:` references replaced by `data:` URIs of the parts they name, so
/// the page stands on its own outside the message.
fn embed_inline_parts(html: &str, msg: &Message, raw: &[u8]) -> String {
    use base64::Engine as _;
    let mut page = html.to_owned();
    let indexes: Vec<usize> = msg.attachments.iter().map(|part| part.index).collect();
    let all = crate::message::parts_bytes(raw, &indexes);
    for (part, bytes) in msg.attachments.iter().zip(all) {
        let Some(cid) = &part.content_id else {
            continue;
        };
        let reference = format!("cid:{cid}");
        if !page.contains(&reference) {
            continue;
        }
        if let Some(bytes) = bytes {
            let data = format!(
                "data:{};base64,{}",
                part.mime_type,
                base64::engine::general_purpose::STANDARD.encode(bytes)
            );
            page = page.replace(&reference, &data);
        }
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::save::NUMBERED_NAMES;

    /// Terminal escapes and a right-to-left override in the subject, the
    /// sender and the text; three attachments: one that will find every
    /// name taken, one named in 300 bytes of "é", one with the override.
    const HOSTILE: &[u8] = include_bytes!("../../tests/fixtures/hostile-names.eml");

    #[test]
    fn each_attachment_is_saved_or_reported_on_its_own() {
        let dir = std::env::temp_dir().join(format!("postel-read-save-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("made");
        for n in 0..NUMBERED_NAMES {
            let name = if n == 0 {
                "taken.bin".to_owned()
            } else {
                format!("taken ({n}).bin")
            };
            std::fs::write(dir.join(name), b"").expect("made");
        }
        let raw = HOSTILE;
        let msg = crate::message::parse(raw).expect("parsed");
        assert_eq!(msg.attachments.len(), 3, "{:?}", msg.attachments);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let failed = save_attachments(&mut out, &mut err, &msg, raw, &dir).expect("ran");
        let (out, err) = (
            String::from_utf8(out).expect("utf-8"),
            String::from_utf8(err).expect("utf-8"),
        );
        assert_eq!(failed, 1, "{out}{err}");
        assert!(err.contains("\"taken.bin\""), "{err}");
        assert!(err.contains("1 of 3 attachments"), "{err}");
        let saved: Vec<&str> = out.lines().collect();
        assert_eq!(saved.len(), 2, "{out}");
        assert!(saved[0].ends_with("é.txt"), "{out}");
        assert!(saved[1].ends_with("invoicefdp.exe"), "{out}");
        assert_eq!(std::fs::read(saved[1]).expect("saved"), b"three");
        std::fs::remove_dir_all(&dir).expect("removed");
    }

    #[test]
    fn the_summary_shows_escapes_instead_of_running_them() {
        let msg = crate::message::parse(HOSTILE).expect("parsed");
        let mut out = Vec::new();
        summary(&mut out, &msg).expect("written");
        let out = String::from_utf8(out).expect("utf-8");
        for raw in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!out.contains(raw), "{raw:?} printed raw: {out:?}");
        }
        assert!(out.contains("Boss\\u{1b}[2J"), "{out}");
        assert!(out.contains("\\u{1b}[31mred\\u{202e}"), "{out}");
        assert!(out.contains("one\\rpaid\n\\u{1b}[1mbold"), "{out}");
    }
}
