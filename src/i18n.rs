//! Translations: Fluent files under `i18n/<lang>/postel.ftl`, embedded in the
//! binary. `fl!` checks message ids at compile time.

use std::collections::HashMap;
use std::sync::LazyLock;

use i18n_embed::fluent::{FluentLanguageLoader, fluent_language_loader};
use i18n_embed::{DefaultLocalizer, LanguageLoader, Localizer};
use postel_core::explain::{Arg, Explain, Sentence};
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
    // Selecting loads new bundles, which isolate again by default.
    LANGUAGE_LOADER.set_use_isolating(false);
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

/// What an error says to the user, in the user's language (see
/// `postel_core::explain`).
/// A folder role's name, as the folder list shows it.
pub fn role_name(role: postel_core::store::FolderRole) -> String {
    use postel_core::store::FolderRole;
    match role {
        FolderRole::Inbox => fl!("folder-inbox"),
        FolderRole::Sent => fl!("folder-sent"),
        FolderRole::Drafts => fl!("folder-drafts"),
        FolderRole::Trash => fl!("folder-trash"),
        FolderRole::Junk => fl!("folder-junk"),
        FolderRole::Archive => fl!("folder-archive"),
    }
}

/// What to tell the user of a folder Postel made for a role the account
/// lacked.
pub fn folder_made(folder: &postel_core::store::Folder) -> String {
    fl!(
        "folder-made",
        account = folder.account.clone(),
        role = folder.role.map(role_name).unwrap_or_default(),
        folder = folder.display_name.clone()
    )
}

pub fn say(error: &impl Explain) -> String {
    render(&LANGUAGE_LOADER, &error.sentence())
}

/// A sentence from the engine in the user's language.
pub fn say_sentence(sentence: &Sentence) -> String {
    render(&LANGUAGE_LOADER, sentence)
}

/// A sentence in `loader`'s language; its phrase arguments are translated
/// first.
pub fn render(loader: &FluentLanguageLoader, sentence: &Sentence) -> String {
    let args: HashMap<&str, String> = sentence
        .args
        .iter()
        .map(|(name, arg)| {
            let value = match arg {
                Arg::Text(text) => text.clone(),
                Arg::Phrase(id) => loader.get(id),
                Arg::Sentences(list) => list
                    .iter()
                    .map(|s| render(loader, s))
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            (*name, value)
        })
        .collect();
    loader.get_args(sentence.id, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_isolation_marks_after_the_language_is_chosen() {
        init();
        let said = crate::fl!("status-eta", seconds = 5);
        assert!(said.contains('5'), "{said}");
        assert!(
            !said.contains(['\u{2068}', '\u{2069}']),
            "marks around arguments show as boxes in terminals: {said:?}"
        );
    }

    /// A loader for one language alone, as a window in it would have.
    fn loader(lang: &str) -> FluentLanguageLoader {
        let loader: FluentLanguageLoader = fluent_language_loader!();
        loader
            .load_languages(&Localizations, &[lang.parse().expect("a language")])
            .expect("the language loads");
        loader.set_use_isolating(false);
        loader
    }

    /// Every message id the engine's errors use, read from its source.
    fn ids_in_core() -> Vec<String> {
        let mut ids = Vec::new();
        let mut dirs =
            vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/core/src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("core sources").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for prefix in ["\"error-", "\"step-", "\"confirm-"] {
                    for (at, _) in text.match_indices(prefix) {
                        let rest = &text[at + 1..];
                        let id: String = rest
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                            .collect();
                        ids.push(id);
                    }
                }
            }
        }
        ids.sort();
        ids.dedup();
        ids
    }

    #[test]
    fn every_error_the_engine_can_say_is_in_every_language() {
        let ids = ids_in_core();
        assert!(ids.len() > 40, "only {} ids found: {ids:?}", ids.len());
        for lang in ["en", "de"] {
            let file = Localizations::get(&format!("{lang}/postel.ftl")).expect("the file");
            let text = String::from_utf8_lossy(&file.data).into_owned();
            for id in &ids {
                assert!(
                    text.lines().any(|l| l.starts_with(&format!("{id} ="))),
                    "{lang} lacks {id}"
                );
            }
        }
    }

    #[test]
    fn a_german_window_says_a_network_error_in_german() {
        let german = loader("de");
        let error = postel_core::net::Error::TimedOut {
            host: "imap.example.org".into(),
            port: 993,
            step: postel_core::net::Step::Connecting,
        };
        let said = render(&german, &error.sentence());
        assert_eq!(
            said,
            "imap.example.org:993 hat beim Schritt „Verbinden“ 20 Sekunden lang nicht geantwortet. Prüfen Sie Server, Port und Netzwerk."
        );
    }

    #[test]
    fn a_german_settings_form_lists_every_problem_in_german() {
        use postel_core::account::{Invalid, Problem, Role};
        let german = loader("de");
        let invalid = Invalid(vec![
            Problem::NameEmpty,
            Problem::Server(Role::Incoming, Box::new(Problem::HostEmpty)),
            Problem::Port(Role::Outgoing),
        ]);
        assert_eq!(
            render(&german, &invalid.sentence()),
            "Der Kontoname ist leer. Posteingangsserver: der Servername ist leer. Der Port des Postausgangsservers muss zwischen 1 und 65535 liegen."
        );
    }

    /// The English file and the errors' `Display` (what logs and the
    /// command line print) say the same, word for word.
    #[test]
    fn english_says_what_the_errors_display_says() {
        use postel_core::account::{Invalid, Problem, Role};
        use postel_core::discovery::{self, ConfirmError, Outcome};
        use postel_core::{engine, net, store, sync};
        let english = loader("en");
        let host = || "mail.example.org".to_owned();
        let errors: Vec<Box<dyn ExplainDisplay>> = vec![
            Box::new(net::Error::HostNotFound { host: host() }),
            Box::new(net::Error::Refused {
                host: host(),
                port: 993,
            }),
            Box::new(net::Error::TimedOut {
                host: host(),
                port: 993,
                step: net::Step::LoggingIn,
            }),
            Box::new(net::Error::AuthFailed {
                host: host(),
                reply: "NO [AUTHENTICATIONFAILED]".into(),
            }),
            Box::new(net::Error::StartTlsNotOffered {
                host: host(),
                port: 143,
            }),
            Box::new(net::Error::Dropped {
                host: host(),
                reason: "reset".into(),
            }),
            Box::new(net::Error::Hostile {
                host: host(),
                reason: "a list nested 17 deep".into(),
            }),
            Box::new(sync::Error::Refused("NO no such folder".into())),
            Box::new(sync::Error::Internal("the store task failed".into())),
            Box::new(sync::Error::TooLarge(200 * 1024 * 1024)),
            Box::new(store::Error::NoSuchFolder("Archiv".into())),
            Box::new(store::Error::NoSuchMessage(7)),
            Box::new(engine::Error::NoSuchAccount("work".into())),
            Box::new(engine::Error::Duplicate("work".into())),
            Box::new(postel_core::message::compose::Error::BadAddress(
                "bob@".into(),
            )),
            Box::new(postel_core::message::compose::Error::NoRecipient),
            Box::new(postel_core::message::Error::NotAMessage),
            Box::new(engine::Error::Invalid(Invalid(vec![
                Problem::NameSpaces,
                Problem::Server(Role::Incoming, Box::new(Problem::NotAHost("a b".into()))),
                Problem::Port(Role::Outgoing),
                Problem::Fingerprint(Role::Incoming, "ab:cd".into()),
                Problem::DeleteAfterDays,
            ]))),
            Box::new(discovery::Error::Address(Problem::NotAnEmail(
                "anna@".into(),
            ))),
            Box::new(discovery::Error::NotFound {
                domain: "example.org".into(),
                tried: Vec::new(),
            }),
            Box::new(ConfirmError::NotApproved { host: host() }),
            Box::new(Outcome {
                role: Role::Outgoing,
                host: host(),
                port: 587,
                username: "anna".into(),
                result: Err(ConfirmError::Unencrypted {
                    host: host(),
                    port: 587,
                }),
            }),
            Box::new(Outcome {
                role: Role::Incoming,
                host: host(),
                port: 993,
                username: "anna".into(),
                result: Ok(()),
            }),
        ];
        for error in errors {
            assert_eq!(render(&english, &error.sentence()), error.to_string());
        }
    }

    trait ExplainDisplay: Explain + std::fmt::Display {}
    impl<T: Explain + std::fmt::Display> ExplainDisplay for T {}
}
