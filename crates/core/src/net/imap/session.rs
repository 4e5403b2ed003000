//! A logged-in IMAP session and what it agreed with the server: its
//! capabilities (asked once, after login) and whether folder names travel
//! as UTF-8.
//!
//! The store keys folders by their modified UTF-7 name (RFC 3501 §5.1.3),
//! whatever the server speaks. A server that offers `UTF8=ACCEPT`
//! (RFC 6855) gets `ENABLE UTF8=ACCEPT`: from then on it sends and expects
//! folder names in UTF-8, and may hand out messages whose headers are raw
//! UTF-8 as they are instead of a downgraded copy (RFC 6857). Names are
//! turned at this boundary, so a server that starts offering it after an
//! upgrade keeps the same folders in the store, not a second copy of each.

use std::borrow::Cow;
use std::ops::{Deref, DerefMut};

use async_imap::error::Error;
use async_imap::types::Capabilities;

use super::Inner;
use super::mutf7;

pub struct Session {
    inner: Inner,
    capabilities: Capabilities,
    utf8: bool,
}

impl Session {
    /// Asks the capabilities and enables UTF-8 names when offered.
    pub(super) async fn start(mut inner: Inner) -> Result<Self, Error> {
        let capabilities = inner.capabilities().await?;
        let mut session = Self {
            inner,
            capabilities,
            utf8: false,
        };
        if session.capabilities.has_str("ENABLE") && session.capabilities.has_str("UTF8=ACCEPT") {
            let responses = crate::net::imap_raw::run(&mut session, "ENABLE UTF8=ACCEPT").await;
            // RFC 5161: only what `* ENABLED` lists is on.
            session.utf8 = match responses {
                Ok(responses) => responses.iter().any(enabled_utf8),
                Err(Error::No(_) | Error::Bad(_)) => false,
                Err(other) => return Err(other),
            };
            tracing::debug!(utf8 = session.utf8, "UTF8=ACCEPT offered");
        }
        Ok(session)
    }

    /// What the server said it can do after login.
    pub fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    /// Whether `ENABLE UTF8=ACCEPT` took.
    pub fn utf8(&self) -> bool {
        self.utf8
    }

    /// A folder's name as the store keeps it, as this server wants it.
    pub fn to_wire<'a>(&self, stored: &'a str) -> Cow<'a, str> {
        if self.utf8 {
            // A name the store got from a server that never spoke UTF-8
            // and that is not modified UTF-7 went out as it came.
            match mutf7::decode(stored) {
                Ok(name) => Cow::Owned(name),
                Err(_) => Cow::Borrowed(stored),
            }
        } else {
            Cow::Borrowed(stored)
        }
    }

    /// A folder's name as the server wrote it, as the store keeps it.
    pub fn from_wire<'a>(&self, name: &'a str) -> Cow<'a, str> {
        if self.utf8 {
            Cow::Owned(mutf7::encode(name))
        } else {
            Cow::Borrowed(name)
        }
    }

    /// The async-imap session, for a command that takes it whole (IDLE);
    /// [`Session::resume`] puts it back.
    pub fn into_parts(self) -> (Inner, Agreement) {
        (
            self.inner,
            Agreement {
                capabilities: self.capabilities,
                utf8: self.utf8,
            },
        )
    }

    pub fn resume(inner: Inner, agreement: Agreement) -> Self {
        Self {
            inner,
            capabilities: agreement.capabilities,
            utf8: agreement.utf8,
        }
    }
}

/// What a session agreed with its server, kept while IDLE holds it.
pub struct Agreement {
    capabilities: Capabilities,
    utf8: bool,
}

fn enabled_utf8(response: &[u8]) -> bool {
    let text = String::from_utf8_lossy(response).to_ascii_uppercase();
    text.starts_with("* ENABLED") && text.split_ascii_whitespace().any(|w| w == "UTF8=ACCEPT")
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("utf8", &self.utf8)
            .finish_non_exhaustive()
    }
}

impl Deref for Session {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.inner
    }
}

impl DerefMut for Session {
    fn deref_mut(&mut self) -> &mut Inner {
        &mut self.inner
    }
}

#[cfg(test)]
mod tests {
    use super::enabled_utf8;

    #[test]
    fn only_an_enabled_response_naming_utf8_counts() {
        assert!(enabled_utf8(b"* ENABLED UTF8=ACCEPT\r\n"));
        assert!(enabled_utf8(b"* enabled condstore utf8=accept\r\n"));
        assert!(!enabled_utf8(b"* ENABLED\r\n"));
        assert!(!enabled_utf8(b"* OK UTF8=ACCEPT\r\n"));
    }
}
