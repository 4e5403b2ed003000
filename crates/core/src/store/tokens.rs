//! Search text tokenized before it reaches the store.
//!
//! Splitting a body into words, folding case and removing diacritics was a
//! third of the store thread's time in a full sync (the store is the one
//! writer, so the slowest step of the pipeline), while the threads that
//! parse the messages beside it had time to spare. So the parsing threads
//! run SQLite's own `unicode61` tokenizer, with the settings of the search
//! table, over the text ([`IndexText::new`]), and the store's connection
//! gets, under the name `unicode61`, a tokenizer that hands such text's
//! words straight to the index and passes every other text (queries,
//! headers) to the built-in one. The index gets the words it would have
//! got, and the table's schema does not change: any other connection, the
//! `sqlite3` shell included, reads it with the built-in tokenizer.
//!
//! A tokenized text is [`MARK`] followed by its words, each followed by a
//! space. Words never contain a space (a separator for `unicode61`), and
//! the built-in tokenizer reads the same words from it.

// SQLite's FTS5 API is C: a tokenizer is a table of C functions, and the
// API pointer is handed out through a bound pointer value.
#![allow(unsafe_code)]

use std::cell::RefCell;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::ptr;

use rusqlite::Connection;
use rusqlite::ffi;

mod table;

/// The tokenizer arguments of the `search` table (migration 1).
const ARGS: [&CStr; 2] = [c"remove_diacritics", c"2"];

/// The first character of a tokenized text.
pub const MARK: char = '\u{1}';
const _: () = assert!(MARK.is_ascii(), "written as one byte");

/// A message's searchable text, made ready for the index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexText(String);

impl IndexText {
    /// Tokenizes `text` as the search table would. If the tokenizer cannot
    /// be loaded the text stays as it is, for the store to tokenize.
    pub fn new(text: &str) -> Self {
        if let Some(words) = table::get().and_then(|t| t.words(text)) {
            return Self(words);
        }
        BUILTIN.with(|cell| {
            // A load that failed is not tried again for every message.
            let mut slot = cell.borrow_mut();
            let tokenizer = slot.get_or_insert_with(Unicode61::load);
            match tokenizer.as_ref().and_then(|t| t.words(text)) {
                Some(words) => Self(words),
                None => Self(unmarked(text).into_owned()),
            }
        })
    }

    /// Text given to the store as it is, tokenized there.
    pub fn plain(text: &str) -> Self {
        Self(unmarked(text).into_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `text`, made sure not to read as tokenized: a leading space changes no
/// word of it.
pub fn unmarked(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(MARK) {
        std::borrow::Cow::Owned(format!(" {text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

thread_local! {
    /// Each parsing thread's own instance (a tokenizer is not shared
    /// between threads).
    static BUILTIN: RefCell<Option<Option<Unicode61>>> = const { RefCell::new(None) };
}

/// A `unicode61` tokenizer with the table's settings, on a private
/// in-memory connection that owns its module.
struct Unicode61 {
    _conn: Connection,
    module: ffi::fts5_tokenizer,
    instance: *mut ffi::Fts5Tokenizer,
}

impl Unicode61 {
    fn load() -> Option<Self> {
        let conn = Connection::open_in_memory().ok()?;
        let (user, module) = find_builtin(&conn)?;
        let mut args: Vec<*const c_char> = ARGS.iter().map(|a| a.as_ptr()).collect();
        let mut instance = ptr::null_mut();
        // SAFETY: `module` came from this connection's FTS5 and lives as
        // long as the connection, which `Self` keeps; the arguments are
        // NUL-terminated strings that outlive the call.
        let rc = unsafe {
            (module.xCreate?)(user, args.as_mut_ptr(), args.len() as c_int, &mut instance)
        };
        (rc == ffi::SQLITE_OK && !instance.is_null()).then_some(Self {
            _conn: conn,
            module,
            instance,
        })
    }

    /// The words of `text` in tokenized form, or None if it cannot be
    /// tokenized here.
    fn words(&self, text: &str) -> Option<String> {
        let mut out = Vec::with_capacity(text.len() + 1);
        out.push(MARK as u8);
        // SAFETY: `collect` reads its context as the `Vec<u8>` it is.
        unsafe { self.run(text, &mut out, collect) }?;
        // One check of the whole text rather than one per word.
        String::from_utf8(out).ok()
    }

    /// Each word of `text` with where it starts and ends (byte offsets),
    /// or None if `text` cannot be tokenized here.
    fn spans(&self, text: &str) -> Option<Vec<Span>> {
        let mut out: Vec<Span> = Vec::new();
        // SAFETY: `collect_spans` reads its context as the `Vec<Span>` it is.
        unsafe { self.run(text, &mut out, collect_spans) }?;
        Some(out)
    }

    /// Tokenizes `text` as a document, `callback` getting `out` as its
    /// context for each word; None if the tokenizer failed.
    ///
    /// # Safety
    /// `callback` must use its context only as a `T`.
    unsafe fn run<T>(&self, text: &str, out: &mut T, callback: TokenFn) -> Option<()> {
        let len = c_int::try_from(text.len()).ok()?;
        // SAFETY: the instance was made by this module and not deleted;
        // `text` is valid for `len` bytes during the call; `out` outlives
        // it, and the caller promises `callback` treats it as a `T`.
        let rc = unsafe {
            (self.module.xTokenize?)(
                self.instance,
                (out as *mut T).cast(),
                ffi::FTS5_TOKENIZE_DOCUMENT,
                text.as_ptr().cast(),
                len,
                Some(callback),
            )
        };
        (rc == ffi::SQLITE_OK).then_some(())
    }
}

/// A callback FTS5 calls for each word of a text.
type TokenFn =
    unsafe extern "C" fn(*mut c_void, c_int, *const c_char, c_int, c_int, c_int) -> c_int;

/// A word as the tokenizer gave it, and the bytes of the text it came from.
struct Span {
    word: Vec<u8>,
    start: usize,
    end: usize,
}

/// Appends one [`Span`] to the `Vec` behind `ctx`.
unsafe extern "C" fn collect_spans(
    ctx: *mut c_void,
    _flags: c_int,
    token: *const c_char,
    len: c_int,
    start: c_int,
    end: c_int,
) -> c_int {
    let word = if token.is_null() || len <= 0 {
        Vec::new()
    } else {
        // SAFETY: `token` holds `len` bytes.
        unsafe { std::slice::from_raw_parts(token.cast::<u8>(), len as usize) }.to_vec()
    };
    // SAFETY: `ctx` is the `Vec` passed by `spans`, used by nothing else
    // during the call.
    let out = unsafe { &mut *ctx.cast::<Vec<Span>>() };
    out.push(Span {
        word,
        start: usize::try_from(start).unwrap_or(usize::MAX),
        end: usize::try_from(end).unwrap_or(usize::MAX),
    });
    ffi::SQLITE_OK
}

impl Drop for Unicode61 {
    fn drop(&mut self) {
        if let Some(delete) = self.module.xDelete {
            // SAFETY: made by this module's xCreate, deleted once.
            unsafe { delete(self.instance) };
        }
    }
}

/// Appends one word and a space to the bytes behind `ctx`.
unsafe extern "C" fn collect(
    ctx: *mut c_void,
    _flags: c_int,
    token: *const c_char,
    len: c_int,
    _start: c_int,
    _end: c_int,
) -> c_int {
    if token.is_null() || len <= 0 {
        return ffi::SQLITE_OK;
    }
    // SAFETY: `ctx` is the `Vec` passed by `words`, used by nothing else
    // during the call; `token` holds `len` bytes.
    unsafe {
        let out = &mut *ctx.cast::<Vec<u8>>();
        out.extend_from_slice(std::slice::from_raw_parts(token.cast::<u8>(), len as usize));
        out.push(b' ');
    }
    ffi::SQLITE_OK
}

/// The connection's FTS5 API, as SQLite hands it out: bound as a pointer
/// of type "fts5_api_ptr" to `SELECT fts5(?)`.
fn fts5_api(conn: &Connection) -> Option<*mut ffi::fts5_api> {
    let mut api: *mut ffi::fts5_api = ptr::null_mut();
    let mut stmt = ptr::null_mut();
    // SAFETY: the handle is this open connection's; the statement is
    // finalized before returning; `api` outlives the step that writes it.
    unsafe {
        let db = conn.handle();
        if ffi::sqlite3_prepare_v2(
            db,
            c"SELECT fts5(?1)".as_ptr(),
            -1,
            &mut stmt,
            ptr::null_mut(),
        ) != ffi::SQLITE_OK
        {
            return None;
        }
        ffi::sqlite3_bind_pointer(
            stmt,
            1,
            (&mut api as *mut *mut ffi::fts5_api).cast(),
            c"fts5_api_ptr".as_ptr(),
            None,
        );
        ffi::sqlite3_step(stmt);
        ffi::sqlite3_finalize(stmt);
    }
    (!api.is_null()).then_some(api)
}

fn find_builtin(conn: &Connection) -> Option<(*mut c_void, ffi::fts5_tokenizer)> {
    let api = fts5_api(conn)?;
    let mut user = ptr::null_mut();
    let mut module = ffi::fts5_tokenizer {
        xCreate: None,
        xDelete: None,
        xTokenize: None,
    };
    // SAFETY: `api` is the connection's, valid while it is open.
    let rc =
        unsafe { ((*api).xFindTokenizer?)(api, c"unicode61".as_ptr(), &mut user, &mut module) };
    (rc == ffi::SQLITE_OK && module.xCreate.is_some() && module.xTokenize.is_some())
        .then_some((user, module))
}

/// The built-in module our `unicode61` passes untokenized text to.
struct Builtin {
    user: *mut c_void,
    module: ffi::fts5_tokenizer,
}

/// One instance of our `unicode61`: the built-in instance it wraps.
struct Wrapped {
    inner: *mut ffi::Fts5Tokenizer,
    module: ffi::fts5_tokenizer,
    /// Whether its arguments are the ones [`IndexText::new`] tokenizes
    /// with: only then are tokenized words the words it would find.
    takes_words: bool,
}

/// Whether the `nargs` arguments at `args` are [`ARGS`] (FTS5 compares
/// option names without case).
///
/// # Safety
/// `args` holds `nargs` NUL-terminated strings, or `nargs` is 0.
unsafe fn are_ours(args: *mut *const c_char, nargs: c_int) -> bool {
    if usize::try_from(nargs).ok() != Some(ARGS.len()) || args.is_null() {
        return false;
    }
    // SAFETY: as the caller promises.
    let given = unsafe { std::slice::from_raw_parts(args, ARGS.len()) };
    given.iter().zip(ARGS).all(|(&arg, ours)| {
        // SAFETY: each one a NUL-terminated string.
        !arg.is_null()
            && unsafe { CStr::from_ptr(arg) }
                .to_bytes()
                .eq_ignore_ascii_case(ours.to_bytes())
    })
}

/// Puts the tokenizer that takes tokenized text in front of the built-in
/// `unicode61` on `conn`, for the tables it opens from now on.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let failed =
        || rusqlite::Error::ModuleError("the search tokenizer could not be registered".into());
    let (user, module) = find_builtin(conn).ok_or_else(failed)?;
    let api = fts5_api(conn).ok_or_else(failed)?;
    // SAFETY: `api` is the connection's, valid while it is open.
    let create_tokenizer = unsafe { (*api).xCreateTokenizer }.ok_or_else(failed)?;
    let builtin = Box::into_raw(Box::new(Builtin { user, module }));
    let mut ours = ffi::fts5_tokenizer {
        xCreate: Some(create),
        xDelete: Some(delete),
        xTokenize: Some(tokenize),
    };
    // SAFETY: FTS5 copies `ours`; once registered it owns `builtin` and
    // frees it with `destroy` when the connection closes.
    let rc = unsafe {
        create_tokenizer(
            api,
            c"unicode61".as_ptr(),
            builtin.cast(),
            &mut ours,
            Some(destroy),
        )
    };
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        // SAFETY: a failed registration (out of memory) kept nothing and
        // will never call `destroy`: the box is still ours.
        drop(unsafe { Box::from_raw(builtin) });
        Err(failed())
    }
}

unsafe extern "C" fn destroy(user: *mut c_void) {
    // SAFETY: the `Builtin` boxed by `register`, freed once by FTS5.
    drop(unsafe { Box::from_raw(user.cast::<Builtin>()) });
}

unsafe extern "C" fn create(
    user: *mut c_void,
    args: *mut *const c_char,
    nargs: c_int,
    out: *mut *mut ffi::Fts5Tokenizer,
) -> c_int {
    // SAFETY: `user` is our `Builtin`, alive while the connection is; the
    // arguments go unchanged to the built-in module.
    unsafe {
        let builtin = &*user.cast::<Builtin>();
        let Some(make) = builtin.module.xCreate else {
            return ffi::SQLITE_ERROR;
        };
        let mut inner = ptr::null_mut();
        let rc = make(builtin.user, args, nargs, &mut inner);
        if rc != ffi::SQLITE_OK {
            return rc;
        }
        let wrapped = Box::new(Wrapped {
            inner,
            module: builtin.module,
            takes_words: are_ours(args, nargs),
        });
        *out = Box::into_raw(wrapped).cast();
        ffi::SQLITE_OK
    }
}

unsafe extern "C" fn delete(tokenizer: *mut ffi::Fts5Tokenizer) {
    // SAFETY: made by `create`, deleted once by FTS5.
    unsafe {
        let wrapped = Box::from_raw(tokenizer.cast::<Wrapped>());
        if let Some(delete) = wrapped.module.xDelete {
            delete(wrapped.inner);
        }
    }
}

type TokenCallback = Option<TokenFn>;

unsafe extern "C" fn tokenize(
    tokenizer: *mut ffi::Fts5Tokenizer,
    ctx: *mut c_void,
    flags: c_int,
    text: *const c_char,
    len: c_int,
    token: TokenCallback,
) -> c_int {
    // SAFETY: `tokenizer` was made by `create`; `text` holds `len` bytes
    // for the call, as FTS5 promises.
    unsafe {
        let wrapped = &*tokenizer.cast::<Wrapped>();
        let bytes = if text.is_null() || len <= 0 {
            &[][..]
        } else {
            std::slice::from_raw_parts(text.cast::<u8>(), len as usize)
        };
        let mut mark = [0; 4];
        let mark = MARK.encode_utf8(&mut mark).as_bytes();
        let document = flags & ffi::FTS5_TOKENIZE_DOCUMENT != 0 && wrapped.takes_words;
        match (document, bytes.strip_prefix(mark), token) {
            (true, Some(words), Some(token)) => {
                let mut start = mark.len();
                for word in words.split(|&b| b == b' ') {
                    let end = start + word.len();
                    if !word.is_empty() {
                        let rc = token(
                            ctx,
                            0,
                            word.as_ptr().cast(),
                            word.len() as c_int,
                            start as c_int,
                            end as c_int,
                        );
                        // As the built-in: DONE from the callback ends the
                        // text without an error.
                        if rc == ffi::SQLITE_DONE {
                            break;
                        }
                        if rc != ffi::SQLITE_OK {
                            return rc;
                        }
                    }
                    start = end + 1;
                }
                ffi::SQLITE_OK
            }
            _ => match wrapped.module.xTokenize {
                Some(run) => run(wrapped.inner, ctx, flags, text, len, token),
                None => ffi::SQLITE_ERROR,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every word a table of the search table's settings indexes for
    /// `text` on `conn`.
    fn words_of(conn: &Connection, text: &str) -> Vec<String> {
        words_with(conn, "unicode61 remove_diacritics 2", text)
    }

    /// Every word a table with `tokenize` indexes for `text`, read back
    /// through an fts5vocab table of a throwaway index.
    fn words_with(conn: &Connection, tokenize: &str, text: &str) -> Vec<String> {
        conn.execute_batch(&format!(
            "DROP TABLE IF EXISTS t; DROP TABLE IF EXISTS v;
             CREATE VIRTUAL TABLE t USING fts5 (x, content = '', tokenize = '{tokenize}');
             CREATE VIRTUAL TABLE v USING fts5vocab (t, instance);",
        ))
        .expect("tables");
        conn.execute("INSERT INTO t (rowid, x) VALUES (1, ?1)", [text])
            .expect("insert");
        let mut stmt = conn
            .prepare("SELECT term FROM v ORDER BY offset")
            .expect("vocab");
        stmt.query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("words")
    }

    const SAMPLE: &str = "Grüße aus Köln! Café déjà-vu, NAÏVE façade; \
        Ελληνικά ΚΕΊΜΕΝΟ, русский ТЕКСТ, 東京都 x_y snake_case 3.14 e-mail\u{a0}nbsp";

    #[test]
    fn tokenized_text_gives_the_index_the_words_of_the_text() {
        let plain = Connection::open_in_memory().expect("db");
        let expected = words_of(&plain, SAMPLE);
        for word in [
            "koln",
            "cafe",
            "naive",
            "κείμενο",
            "текст",
            "gruße",
            "snake",
        ] {
            assert!(expected.iter().any(|w| w == word), "{word} in {expected:?}");
        }
        let text = IndexText::new(SAMPLE);
        assert!(text.as_str().starts_with(MARK), "{:?}", text.as_str());
        // Through our tokenizer, and through the built-in one alone (a
        // connection that never registered ours).
        let ours = Connection::open_in_memory().expect("db");
        register(&ours).expect("register");
        assert_eq!(words_of(&ours, text.as_str()), expected);
        assert_eq!(words_of(&plain, text.as_str()), expected);
        // Untokenized text still goes to the built-in tokenizer.
        assert_eq!(words_of(&ours, SAMPLE), expected);
    }

    #[test]
    fn a_table_with_other_settings_tokenizes_the_words_itself() {
        let ours = Connection::open_in_memory().expect("db");
        register(&ours).expect("register");
        let text = IndexText::new("Köln");
        assert_eq!(text.as_str(), "\u{1}koln ");
        let words = words_with(&ours, "unicode61 separators o", text.as_str());
        assert_eq!(words, ["k", "ln"]);
    }

    #[test]
    fn text_that_starts_like_tokenized_text_is_tokenized_in_full() {
        let ours = Connection::open_in_memory().expect("db");
        register(&ours).expect("register");
        let text = IndexText::plain("\u{1}Shouting WORDS");
        assert_eq!(words_of(&ours, text.as_str()), ["shouting", "words"]);
    }
}
