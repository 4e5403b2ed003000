//! What a folder is for: from SPECIAL-USE (RFC 6154), or failing that
//! from its name in any of the common languages.

use serde::Serialize;

/// What a folder is for, from SPECIAL-USE or, failing that, its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FolderRole {
    Inbox,
    Sent,
    Drafts,
    Trash,
    Junk,
    Archive,
}

impl FolderRole {
    pub fn as_str(self) -> &'static str {
        match self {
            FolderRole::Inbox => "inbox",
            FolderRole::Sent => "sent",
            FolderRole::Drafts => "drafts",
            FolderRole::Trash => "trash",
            FolderRole::Junk => "junk",
            FolderRole::Archive => "archive",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "inbox" => FolderRole::Inbox,
            "sent" => FolderRole::Sent,
            "drafts" => FolderRole::Drafts,
            "trash" => FolderRole::Trash,
            "junk" => FolderRole::Junk,
            "archive" => FolderRole::Archive,
            _ => return None,
        })
    }

    /// The role of a SPECIAL-USE attribute (RFC 6154), e.g. `\Sent`.
    pub fn from_special_use(attribute: &str) -> Option<Self> {
        Some(
            match attribute
                .trim_start_matches('\\')
                .to_ascii_lowercase()
                .as_str()
            {
                "sent" => FolderRole::Sent,
                "drafts" => FolderRole::Drafts,
                "trash" => FolderRole::Trash,
                "junk" => FolderRole::Junk,
                "archive" | "all" => FolderRole::Archive,
                _ => return None,
            },
        )
    }

    /// A guess from the folder's last name segment, for servers without
    /// SPECIAL-USE: the server's name decoded (modified UTF-7), compared
    /// without case against the names clients and providers use in many
    /// languages ([`NAMES`]).
    pub fn from_name(name: &str, delimiter: Option<&str>) -> Option<Self> {
        if name.eq_ignore_ascii_case("INBOX") {
            return Some(FolderRole::Inbox);
        }
        let leaf = match delimiter {
            Some(d) if !d.is_empty() => name.rsplit(d).next().unwrap_or(name),
            _ => name,
        };
        let leaf = crate::net::imap::mutf7::display(leaf).to_lowercase();
        NAMES
            .iter()
            .find(|(_, names)| names.contains(&leaf.as_str()))
            .map(|(role, _)| *role)
    }

    /// Roles by name, for the roles no folder has by SPECIAL-USE: each role
    /// to the first folder whose name means it, each folder one role. A
    /// server that marks its "Trash" keeps it, whatever else is called
    /// "Papierkorb".
    pub fn guess(found: &mut [(String, Option<String>, Option<FolderRole>)]) {
        let mut taken: Vec<FolderRole> = found.iter().filter_map(|(_, _, role)| *role).collect();
        for (name, delimiter, role) in found.iter_mut() {
            if role.is_some() {
                continue;
            }
            if let Some(guess) = FolderRole::from_name(name, delimiter.as_deref())
                && !taken.contains(&guess)
            {
                taken.push(guess);
                *role = Some(guess);
            }
        }
    }
}

impl FolderRole {
    /// The user's own choices (account settings) over SPECIAL-USE and
    /// names: the chosen folder gets the role, and no other folder keeps
    /// it. A choice naming no listed folder changes nothing.
    pub fn choose(
        found: &mut [(String, Option<String>, Option<FolderRole>)],
        choices: &crate::account::FolderChoices,
    ) {
        for (role, chosen) in choices.chosen() {
            let Some(role) = FolderRole::parse(role) else {
                continue;
            };
            let is_chosen =
                |name: &str| name == chosen || crate::net::imap::mutf7::display(name) == chosen;
            if !found.iter().any(|(name, _, _)| is_chosen(name)) {
                continue;
            }
            for (name, _, given) in found.iter_mut() {
                if is_chosen(name) {
                    *given = Some(role);
                } else if *given == Some(role) {
                    *given = None;
                }
            }
        }
    }
}

/// Folder names that mean a role, lower case, by role. Gathered from
/// Geary's and Evolution's translations, Outlook/Exchange, Gmail and the
/// big hosters (2026-12). Names that mean two roles in some language
/// ("Lixo", "Szemét", "垃圾箱", "ごみ") are left out: a wrong Trash is
/// worse than none.
pub const NAMES: [(FolderRole, &[&str]); 5] = [
    (
        FolderRole::Sent,
        &[
            // en
            "sent",
            "sent items",
            "sent mail",
            "sent messages",
            "sent email",
            "sent e-mail",
            // de
            "gesendet",
            "gesendete elemente",
            "gesendete objekte",
            "gesendete e-mails",
            "gesendete e-mail",
            "verschickte nachrichten",
            // fr
            "envoyés",
            "envoyé",
            "éléments envoyés",
            "messages envoyés",
            "courriels envoyés",
            // es
            "enviados",
            "enviado",
            "elementos enviados",
            "correo enviado",
            "mensajes enviados",
            // it
            "posta inviata",
            "inviata",
            "messaggi inviati",
            "oggetti inviati",
            "email inviate",
            "e-mail inviate",
            // nl
            "verzonden",
            "verzonden items",
            "verzonden berichten",
            "verstuurde berichten",
            "verzonden e-mail",
            // pt, pt-BR
            "enviadas",
            "itens enviados",
            "mensagens enviadas",
            "correio enviado",
            "e-mails enviados",
            // pl
            "wysłane",
            "elementy wysłane",
            "wysłane elementy",
            "wysłane wiadomości",
            "wysłana poczta",
            // ru
            "отправленные",
            "отправленные объекты",
            "отправленные сообщения",
            // sv
            "skickat",
            "skickade objekt",
            "skickade meddelanden",
            // ja, zh
            "送信済み",
            "送信済みメール",
            "送信済メール",
            "送信メール",
            "送信したアイテム",
            "已发送",
            "已发送邮件",
            "已发送项目",
            "已发送消息",
            "已寄送",
            "已傳送",
            "寄件備份",
            "傳送項目",
        ],
    ),
    (
        FolderRole::Drafts,
        &[
            "drafts",
            "draft",
            "entwürfe",
            "entwurf",
            "brouillons",
            "brouillon",
            "borradores",
            "borrador",
            "bozze",
            "bozza",
            "concepten",
            "concept",
            "rascunhos",
            "rascunho",
            "szkice",
            "szkic",
            "wersje robocze",
            "черновики",
            "черновик",
            "utkast",
            "下書き",
            "草稿",
            "草稿箱",
        ],
    ),
    (
        FolderRole::Trash,
        &[
            "trash",
            "deleted items",
            "deleted messages",
            "deleted",
            "bin",
            "rubbish",
            "rubbish bin",
            "papierkorb",
            "gelöschte elemente",
            "gelöschte objekte",
            "gelöschte nachrichten",
            "corbeille",
            "éléments supprimés",
            "messages supprimés",
            "poubelle",
            "papelera",
            "elementos eliminados",
            "mensajes eliminados",
            "eliminados",
            "cestino",
            "messaggi eliminati",
            "oggetti eliminati",
            "posta eliminata",
            "prullenbak",
            "verwijderde items",
            "verwijderde berichten",
            "reciclagem",
            "itens eliminados",
            "mensagens eliminadas",
            "lixeira",
            "itens excluídos",
            "mensagens excluídas",
            "kosz",
            "elementy usunięte",
            "usunięte elementy",
            "usunięte wiadomości",
            "usunięta poczta",
            "корзина",
            "удалённые",
            "удаленные",
            "удалённые объекты",
            "удаленные объекты",
            "удаленные сообщения",
            "papperskorgen",
            "borttagna objekt",
            "ごみ箱",
            "ゴミ箱",
            "削除したアイテム",
            "已删除",
            "已删除项目",
            "已删除消息",
            "废件箱",
            "回收站",
            "垃圾桶",
            "刪除的郵件",
        ],
    ),
    (
        FolderRole::Junk,
        &[
            "junk",
            "spam",
            "junk mail",
            "junk email",
            "junk e-mail",
            "bulk mail",
            "bulk",
            "junk-e-mail",
            "unerwünscht",
            "unerwünschte e-mail",
            "indésirables",
            "indésirable",
            "courrier indésirable",
            "courriel indésirable",
            "messages indésirables",
            "pourriel",
            "pourriels",
            "correo no deseado",
            "correo basura",
            "posta indesiderata",
            "indesiderata",
            "e-mail indesiderata",
            "ongewenst",
            "ongewenste e-mail",
            "lixo eletrónico",
            "lixo eletrônico",
            "niechciane",
            "niechciana poczta",
            "спам",
            "нежелательная почта",
            "skräppost",
            "迷惑メール",
            "スパム",
            "垃圾邮件",
            "垃圾郵件",
        ],
    ),
    (
        FolderRole::Archive,
        &[
            "archive",
            "archives",
            "all mail",
            "archiv",
            "archivo",
            "archivos",
            "archivio",
            "archivi",
            "archief",
            "archieven",
            "arquivo",
            "arquivos",
            "archiwum",
            "архив",
            "arkiv",
            "アーカイブ",
            "归档",
            "存档",
            "封存",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_from_special_use_and_names() {
        assert_eq!(
            FolderRole::from_special_use("\\Sent"),
            Some(FolderRole::Sent)
        );
        assert_eq!(
            FolderRole::from_special_use("\\Junk"),
            Some(FolderRole::Junk)
        );
        assert_eq!(FolderRole::from_special_use("\\Flagged"), None);
        assert_eq!(
            FolderRole::from_name("INBOX", Some("/")),
            Some(FolderRole::Inbox)
        );
        assert_eq!(
            FolderRole::from_name("INBOX.Sent Items", Some(".")),
            Some(FolderRole::Sent)
        );
        assert_eq!(
            FolderRole::from_name("[Gmail]/Spam", Some("/")),
            Some(FolderRole::Junk)
        );
        assert_eq!(
            FolderRole::from_name("Papierkorb", None),
            Some(FolderRole::Trash)
        );
        assert_eq!(FolderRole::from_name("Projects", Some("/")), None);
    }

    /// Issue 24: on a server without SPECIAL-USE, "Gelöschte Elemente"
    /// (as the server writes it, in modified UTF-7) was no Trash, so a
    /// delete expunged the message for good.
    #[test]
    fn localized_names_are_found_as_the_server_writes_them() {
        let cases = [
            ("INBOX.Gel&APY-schte Elemente", FolderRole::Trash),
            ("INBOX.Entw&APw-rfe", FolderRole::Drafts),
            ("Envoy&AOk-s", FolderRole::Sent),
            ("&AMk-l&AOk-ments supprim&AOk-s", FolderRole::Trash),
            ("&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-", FolderRole::Sent),
            ("INBOX.Papierkorb", FolderRole::Trash),
            ("Posta indesiderata", FolderRole::Junk),
            ("PRULLENBAK", FolderRole::Trash),
        ];
        for (wire, role) in cases {
            assert_eq!(FolderRole::from_name(wire, Some(".")), Some(role), "{wire}");
        }
        // A name that means Trash in one language and Junk in another.
        assert_eq!(FolderRole::from_name("Lixo", Some(".")), None);
        // Every listed name is lower case (they are compared so) and in one role.
        let mut seen = std::collections::HashSet::new();
        for (_, names) in NAMES {
            for name in names {
                assert_eq!(*name, name.to_lowercase());
                assert!(seen.insert(*name), "{name} is listed twice");
            }
        }
    }

    #[test]
    fn a_name_gives_a_role_only_where_special_use_gave_none() {
        let mut found = vec![
            (
                "INBOX".to_owned(),
                Some(".".to_owned()),
                Some(FolderRole::Inbox),
            ),
            ("INBOX.Papierkorb".to_owned(), Some(".".to_owned()), None),
            (
                "INBOX.Trash".to_owned(),
                Some(".".to_owned()),
                Some(FolderRole::Trash),
            ),
            ("INBOX.Gesendet".to_owned(), Some(".".to_owned()), None),
            ("INBOX.Sent".to_owned(), Some(".".to_owned()), None),
            ("INBOX.Projekte".to_owned(), Some(".".to_owned()), None),
        ];
        FolderRole::guess(&mut found);
        let roles: Vec<Option<FolderRole>> = found.iter().map(|(_, _, r)| *r).collect();
        assert_eq!(
            roles,
            [
                Some(FolderRole::Inbox),
                None,
                Some(FolderRole::Trash),
                Some(FolderRole::Sent),
                None,
                None
            ]
        );
    }

    #[test]
    fn a_folder_chosen_by_hand_takes_the_role_from_any_other() {
        let folder = |name: &str, role| (name.to_owned(), Some(".".to_owned()), role);
        let mut found = vec![
            folder("INBOX", Some(FolderRole::Inbox)),
            folder("INBOX.Sent", Some(FolderRole::Sent)),
            folder("INBOX.Gel&APY-schte Elemente", None),
            folder("INBOX.Trash", Some(FolderRole::Trash)),
            folder("INBOX.Archiv", None),
        ];
        let choices = crate::account::FolderChoices {
            // As the user reads it: matched to the server's encoded name.
            trash: Some("INBOX.Gelöschte Elemente".into()),
            // The server's own name.
            archive: Some("INBOX.Archiv".into()),
            // No such folder: the server's Sent stays.
            sent: Some("INBOX.Postausgang".into()),
            ..Default::default()
        };
        FolderRole::choose(&mut found, &choices);
        let roles: Vec<Option<FolderRole>> = found.iter().map(|(_, _, r)| *r).collect();
        assert_eq!(
            roles,
            [
                Some(FolderRole::Inbox),
                Some(FolderRole::Sent),
                Some(FolderRole::Trash),
                None,
                Some(FolderRole::Archive),
            ]
        );
    }
}
