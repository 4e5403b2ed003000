//! Translations: Fluent files under `i18n/<lang>/postel.ftl`, embedded in the
//! binary. `fl!` checks message ids at compile time.

use std::sync::LazyLock;

use i18n_embed::fluent::{FluentLanguageLoader, fluent_language_loader};
use i18n_embed::{DefaultLocalizer, LanguageLoader, Localizer};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "i18n/"]
struct Localizations;

pub static LANGUAGE_LOADER: LazyLock<FluentLanguageLoader> = LazyLock::new(|| {
    let loader: FluentLanguageLoader = fluent_language_loader!();
    // The fallback language is always there; a failure here is a build defect.
    if let Err(err) = loader.load_fallback_language(&Localizations) {
        tracing::error!("fallback translations failed to load: {err}");
    }
    // Unicode isolation marks confuse terminals and tests; the UI is left-to-right.
    loader.set_use_isolating(false);
    loader
});

/// Picks the user's languages from the environment (LANG, LANGUAGE, ...).
pub fn init() {
    let localizer = DefaultLocalizer::new(&*LANGUAGE_LOADER, &Localizations);
    let requested = i18n_embed::DesktopLanguageRequester::requested_languages();
    if let Err(err) = localizer.select(&requested) {
        tracing::warn!("translations for {requested:?} could not be selected: {err}");
    }
}

#[macro_export]
macro_rules! fl {
    ($message_id:literal) => {{
        i18n_embed_fl::fl!($crate::i18n::LANGUAGE_LOADER, $message_id)
    }};
    ($message_id:literal, $($args:expr),*) => {{
        i18n_embed_fl::fl!($crate::i18n::LANGUAGE_LOADER, $message_id, $($args), *)
    }};
}
