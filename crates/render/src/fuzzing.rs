//! The entry point for the HTML fuzzer (`tests/fuzz`, target `html`); the
//! others are in `postel_core::fuzzing`. It takes arbitrary bytes as a
//! sender would send them and must return, whatever they are: no panic,
//! no abort, no hang.

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

    /// Every input kept for the HTML target, laid out and painted. (The
    /// message fixtures are painted by `tests::every_message_of_the_corpus_is_parsed_and_painted`.)
    #[test]
    fn kept_inputs_pass_the_html_entry_point() {
        assert!(replay("html", super::html) > 0, "kept inputs missing");
    }
}
