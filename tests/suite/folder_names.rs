//! Folder names in other languages, against the real Dovecot: IMAP sends
//! them in modified UTF-7 (RFC 3501 §5.1.3), the user reads and types
//! them decoded; a folder can be given a role by hand.

use postel::net::imap::mutf7;

use crate::harness::{servers, unique};
use crate::postel::Postel;
use crate::receiving::{folder_with, id_of, raw_message, rt, server_view, session};

#[test]
fn a_folder_named_in_german_is_listed_and_found_as_the_user_writes_it() {
    let s = servers();
    let folder = unique("Grüße für Zoë");
    let wire = mutf7::encode(&folder);
    assert_ne!(wire, folder, "the server's name is encoded");
    rt().block_on(async {
        let mut imap = session("grace").await;
        imap.create(&wire).await.expect("CREATE");
        imap.append(&wire, None, None, raw_message(1, "umlaut-folder"))
            .await
            .expect("APPEND");
        let _ = imap.logout().await;
    });
    let postel = Postel::new();
    let account = postel.add_imap("names", "grace", s.password("grace"));
    postel.ok(&["sync", &account, "--folder", &folder], None);
    let listed = postel.ok(&["folders", &account], None);
    assert!(listed.contains(&folder), "{listed}");
    assert!(!listed.contains(&wire), "{listed}");
    let json = postel.json(&["folders", &account]);
    let entry = json
        .as_array()
        .expect("folders")
        .iter()
        .find(|f| f["display_name"] == folder.as_str())
        .expect("the folder, decoded");
    assert_eq!(entry["name"], wire.as_str(), "the server's name is kept");
    let rows = postel.json(&["list", &account, "--folder", &folder]);
    let subjects: Vec<&str> = rows
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["subject"].as_str())
        .collect();
    assert_eq!(subjects, ["umlaut-folder"]);
    let row = &rows.as_array().expect("rows")[0];
    assert_eq!(row["folder"], folder.as_str(), "read as the user writes it");
    assert_eq!(row["folder_raw"], wire.as_str(), "and as the server does");
}

/// A folder the user chose as Trash is where a delete goes, whatever the
/// server marks as Trash; going back to automatic gives the server's.
#[test]
fn a_trash_chosen_by_hand_is_where_a_delete_goes() {
    let s = servers();
    let chosen = unique("Gelöschte Elemente");
    let wire = mutf7::encode(&chosen);
    let tag = unique("chosen");
    let source = rt().block_on(async {
        let mut imap = session("grace").await;
        imap.create(&wire).await.expect("CREATE");
        let _ = imap.logout().await;
        folder_with("grace", &tag, 1).await
    });
    let postel = Postel::new();
    let account = postel.add_imap("chosen-trash", "grace", s.password("grace"));
    let wrong = postel.run(
        &["account", "edit", &account, "--folder-for", "bin=x"],
        None,
    );
    assert!(!wrong.status.success());
    let said = String::from_utf8_lossy(&wrong.stderr);
    assert!(said.contains("\"bin\" is not a role"), "{said}");

    let choice = format!("trash={chosen}");
    postel.ok(
        &["account", "edit", &account, "--folder-for", &choice],
        None,
    );
    let shown = postel.ok(&["account", "show", &account], None);
    assert!(
        shown.contains(&format!("trash:          {chosen}")),
        "{shown}"
    );
    postel.ok(&["sync", &account], None);
    assert_eq!(
        trash_folders(&postel, &account, "display_name"),
        [chosen.as_str()],
        "one Trash, the chosen one"
    );

    let id = id_of(&postel, &account, &source, 1);
    postel.ok(&["delete", &account, &id.to_string()], None);
    let subject = format!("{tag}-0");
    let in_chosen = rt().block_on(server_view("grace", &wire));
    assert!(
        in_chosen.values().any(|(s, _)| *s == subject),
        "{in_chosen:?}"
    );
    let in_servers_trash = rt().block_on(server_view("grace", "Trash"));
    assert!(!in_servers_trash.values().any(|(s, _)| *s == subject));

    // Back to the server's own choice.
    postel.ok(
        &["account", "edit", &account, "--folder-for", "trash="],
        None,
    );
    postel.ok(&["sync", &account], None);
    assert_eq!(
        trash_folders(&postel, &account, "name"),
        ["Trash"],
        "SPECIAL-USE again"
    );
}

/// The `field` of each folder with the Trash role.
fn trash_folders(postel: &Postel, account: &str, field: &str) -> Vec<String> {
    let folders = postel.json(&["folders", account]);
    folders
        .as_array()
        .expect("folders")
        .iter()
        .filter(|f| f["role"] == "trash")
        .filter_map(|f| f[field].as_str().map(str::to_owned))
        .collect()
}

/// Folders gone from the server since the last sync (as after a namespace
/// change) are not reported at all, nor under another folder's name: each
/// folder's "done" line comes once.
#[test]
fn each_folder_is_reported_once_when_some_are_gone() {
    let s = servers();
    let tag = unique("gone");
    let folders: Vec<String> = (0..4).map(|i| format!("{tag}-{i}")).collect();
    rt().block_on(async {
        let mut imap = session("gus").await;
        for f in &folders {
            imap.create(f).await.expect("CREATE");
            imap.append(f, None, None, raw_message(1, f))
                .await
                .expect("APPEND");
        }
        let _ = imap.logout().await;
    });
    let postel = Postel::new();
    let account = postel.add_imap("gone", "gus", s.password("gus"));
    postel.ok(&["sync", &account], None);
    rt().block_on(async {
        let mut imap = session("gus").await;
        for f in &folders[1..] {
            imap.delete(f).await.expect("DELETE");
        }
        let _ = imap.logout().await;
    });
    let out = postel.run(&["sync", &account], None);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    let mut done: Vec<&str> = said
        .lines()
        .filter(|l| l.ends_with("done"))
        .filter_map(|l| {
            l.split_once(" folder ")?
                .1
                .split_once(' ')?
                .1
                .split_once(": ")
        })
        .map(|(name, _)| name)
        .collect();
    let all = done.len();
    done.sort_unstable();
    done.dedup();
    assert_eq!(done.len(), all, "a folder reported twice: {said}");
    assert!(done.contains(&folders[0].as_str()), "{said}");
    for gone in &folders[1..] {
        assert!(!done.contains(&gone.as_str()), "{said}");
    }
}
