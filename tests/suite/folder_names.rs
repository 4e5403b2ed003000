//! Folder names in other languages, against the real Dovecot: IMAP sends
//! them in modified UTF-7 (RFC 3501 §5.1.3), the user reads and types
//! them decoded.

use postel::net::imap::mutf7;

use crate::harness::{servers, unique};
use crate::postel::Postel;
use crate::receiving::{raw_message, rt, session};

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
