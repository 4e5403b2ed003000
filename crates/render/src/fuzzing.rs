//! Entry points for the message and HTML fuzzers (`tests/fuzz`); the
//! protocol targets are in `postel_core::fuzzing`. Each takes arbitrary
//! bytes as a sender would send them and must return, whatever they are:
//! no panic, no abort, no hang.

/// A message from anyone: parsed, its text read out, its HTML sanitised
/// and turned into text, its inline parts gathered for the reader.
pub fn message(data: &[u8]) {
    let Ok(parsed) = postel_core::message::parse(data) else {
        return;
    };
    let _ = postel_core::message::snippet_and_text(&parsed, 200);
    let html = crate::html_of(&parsed);
    let _ = postel_core::message::html::to_text(&html, 80);
    let _ = postel_core::message::html::has_remote_content(&html);
    let _ = crate::Resources::from_message(&parsed, data);
}

/// HTML from a message, sanitised, laid out and painted as the reader
/// does, on the reader's own kind of thread. One thread for every input:
/// the style engine keeps caches per thread for the thread's life, so a
/// thread per input would leak them (LeakSanitizer said so).
pub fn html(data: &[u8]) {
    static RENDERER: std::sync::LazyLock<crate::Renderer> =
        std::sync::LazyLock::new(crate::Renderer::start);
    let html = String::from_utf8_lossy(data).into_owned();
    let options = crate::Options {
        width: 400,
        ..Default::default()
    };
    postel_core::fuzzing::run(async {
        // A panic inside the engine is caught by `Page::layout` and
        // `paint`, and an error is an answer too; a render thread that
        // died is a finding.
        let result = RENDERER
            .open(1, html, crate::Resources::none(), options)
            .await;
        if let Err(err) = result {
            assert!(!err.to_string().contains("has stopped"), "{err}");
        }
    });
}

#[cfg(test)]
mod tests {
    use postel_core::fuzzing::replay;

    /// Every input kept for these targets, and the message fixtures,
    /// through each entry point.
    #[test]
    fn kept_inputs_and_fixtures_pass_every_entry_point() {
        let kept = [
            replay("message", super::message),
            replay("html", super::html),
        ];
        assert!(kept.iter().all(|&n| n > 0), "kept inputs missing: {kept:?}");
        let fixtures =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
        let mut ran = 0;
        for entry in std::fs::read_dir(fixtures).into_iter().flatten().flatten() {
            if let Ok(data) = std::fs::read(entry.path()) {
                super::message(&data);
                ran += 1;
            }
        }
        assert!(ran > 10, "only {ran} fixtures: they are missing");
    }
}
