//! Folders with a role the account lacks (Sent, Drafts, Trash) are made,
//! as Thunderbird does, rather than a copy skipped or a message destroyed;
//! marked with SPECIAL-USE where the server allows it (RFC 6154 §3,
//! CREATE-SPECIAL-USE), so other clients find them too.

use super::Error;
use super::imap::{list_folders, server_err};
use crate::account::Account;
use crate::net::imap::Session;
use crate::store::{Folder, FolderRole, SharedStore};

/// The SPECIAL-USE attribute that marks `role` (RFC 6154 §2).
fn attribute(role: FolderRole) -> Option<&'static str> {
    match role {
        FolderRole::Sent => Some("\\Sent"),
        FolderRole::Drafts => Some("\\Drafts"),
        FolderRole::Trash => Some("\\Trash"),
        FolderRole::Junk => Some("\\Junk"),
        FolderRole::Archive => Some("\\Archive"),
        FolderRole::Inbox => None,
    }
}

/// The English name Postel gives a folder it makes for `role`.
pub fn base_name(role: FolderRole) -> &'static str {
    match role {
        FolderRole::Inbox => "INBOX",
        FolderRole::Sent => "Sent",
        FolderRole::Drafts => "Drafts",
        FolderRole::Trash => "Trash",
        FolderRole::Junk => "Junk",
        FolderRole::Archive => "Archive",
    }
}

/// A mailbox name as an IMAP quoted string; None for a name no quoted
/// string can carry (a line break).
fn quoted(name: &str) -> Option<String> {
    if name.contains(['\r', '\n']) {
        return None;
    }
    Some(format!(
        "\"{}\"",
        name.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// Creates `name` (as the server writes it) on the server, marked for
/// `role` when the server offers CREATE-SPECIAL-USE. A server that
/// refuses the mark gets a plain CREATE; a folder that is already there
/// is no error.
pub async fn create(
    account: &Account,
    session: &mut Session,
    name: &str,
    role: Option<FolderRole>,
) -> Result<(), Error> {
    let Some(quoted) = quoted(&session.to_wire(name)) else {
        return Err(Error::Refused(format!(
            "a folder name may not hold a line break: {name:?}"
        )));
    };
    let marks = session.capabilities().has_str("CREATE-SPECIAL-USE");
    if let (true, Some(attribute)) = (marks, role.and_then(attribute)) {
        let command = format!("CREATE {quoted} (USE ({attribute}))");
        match session.run_command_and_check_ok(&command).await {
            Ok(()) => return Ok(()),
            Err(e) => tracing::info!("{}: {command}: {e}", account.name),
        }
    }
    match session
        .run_command_and_check_ok(format!("CREATE {quoted}"))
        .await
    {
        Ok(()) => Ok(()),
        Err(async_imap::error::Error::No(text))
            if text.to_ascii_uppercase().contains("ALREADYEXISTS") =>
        {
            Ok(())
        }
        Err(e) => Err(server_err(account, e)),
    }
}

/// The account's folder for `role`: known to the store, found on the
/// server, or made there now. The flag says whether it was made.
pub async fn ensure(
    account: &Account,
    session: &mut Session,
    store: &SharedStore,
    role: FolderRole,
) -> Result<(Folder, bool), Error> {
    let name = account.name.clone();
    if let Some(folder) = store.run(move |s| s.folder_by_role(&name, role)).await? {
        return Ok((folder, false));
    }
    let listed = list_folders(account, session, store).await?;
    if let Some(folder) = listed.into_iter().find(|f| f.role == Some(role)) {
        return Ok((folder, false));
    }
    let name = account.name.clone();
    let (folder_name, delimiter) = store
        .run(move |s| s.name_for_new(&name, base_name(role)))
        .await?;
    create(account, session, &folder_name, Some(role)).await?;
    let name = account.name.clone();
    let folder = store
        .run(move |s| {
            let folder = s.upsert_folder(&name, &folder_name, delimiter.as_deref(), Some(role))?;
            s.mark_made(folder.id)?;
            Ok(folder)
        })
        .await?;
    tracing::info!(
        "{}: made the folder {} for {}",
        account.name,
        folder.name,
        role.as_str()
    );
    Ok((folder, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_and_line_breaks_refused() {
        assert_eq!(quoted("INBOX.Sent").as_deref(), Some("\"INBOX.Sent\""));
        assert_eq!(quoted("a\"b\\c").as_deref(), Some("\"a\\\"b\\\\c\""));
        assert_eq!(quoted("evil\r\nA1 DELETE INBOX"), None);
    }

    #[test]
    fn every_role_but_inbox_has_its_mark() {
        for role in [
            FolderRole::Sent,
            FolderRole::Drafts,
            FolderRole::Trash,
            FolderRole::Junk,
            FolderRole::Archive,
        ] {
            let mark = attribute(role).expect("a mark");
            assert_eq!(FolderRole::from_special_use(mark), Some(role));
        }
        assert_eq!(attribute(FolderRole::Inbox), None);
    }
}
