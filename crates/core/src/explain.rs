//! What a failure says to the user, as a Fluent message id with its
//! arguments. The faces translate it with their language's
//! `i18n/<lang>/postel.ftl` (so a German window shows German errors); the
//! English `Display` of each error stays for logs and for what has no
//! translation yet. Arguments that come from a server or a library (its
//! reply, its reason) are passed on as they are: they are evidence, not
//! prose.

/// One user-facing sentence: a message id of the `error-` family and its
/// arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

/// An argument: text shown as it is, or a phrase of its own to translate
/// first (Fluent cannot pick a message by a variable's value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Phrase(&'static str),
    /// Sentences of their own, each translated, then joined by a space
    /// (every problem with a form, said at once).
    Sentences(Vec<Sentence>),
}

impl Sentence {
    pub fn new(id: &'static str) -> Self {
        Self {
            id,
            args: Vec::new(),
        }
    }

    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// Sentences translated one by one and joined.
    pub fn sentences(mut self, name: &'static str, sentences: Vec<Sentence>) -> Self {
        self.args.push((name, Arg::Sentences(sentences)));
        self
    }

    /// An argument that is itself a message id, translated before use.
    pub fn phrase(mut self, name: &'static str, id: &'static str) -> Self {
        self.args.push((name, Arg::Phrase(id)));
        self
    }
}

/// An error that can say what failed and what to do, in any language.
pub trait Explain {
    fn sentence(&self) -> Sentence;
}
