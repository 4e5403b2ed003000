//! Delete never destroys mail by accident: an account without a Trash gets
//! one (as in Thunderbird), and only `--permanently` (or deleting in Trash)
//! deletes for good. A move into a folder the server lacks creates it
//! there.

use std::time::{Duration, Instant};

use postel::engine::mail::Applied;

use crate::harness::{TempDir, servers, unique};
use crate::postel::Postel;

fn subjects_in(postel: &Postel, account: &str, folder: &str) -> Vec<(i64, String)> {
    postel
        .json(&["list", account, "--folder", folder, "--limit", "1000"])
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().expect("id"),
                r["subject"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn deleting_without_a_trash_moves_the_message_to_one_made_for_it() {
    let s = servers();
    let postel = Postel::new();
    // POP3 has no folders on the server: the store had no Trash at all.
    let account = postel.add_pop3("delete-pop", "anna", &[]);
    let subject = unique("keep-me");
    crate::smoke::submit(&s.address("anna"), &subject);
    let deadline = Instant::now() + Duration::from_secs(20);
    let id = loop {
        postel.ok(&["sync", &account], None);
        let found = subjects_in(&postel, &account, "INBOX")
            .into_iter()
            .find(|(_, s)| *s == subject);
        if let Some((id, _)) = found {
            break id;
        }
        assert!(Instant::now() < deadline, "{subject} never arrived");
        std::thread::sleep(Duration::from_millis(300));
    };
    postel.ok(&["delete", &account, &id.to_string()], None);
    let in_trash: Vec<(i64, String)> = subjects_in(&postel, &account, "Trash")
        .into_iter()
        .filter(|(_, s)| *s == subject)
        .collect();
    assert_eq!(in_trash.len(), 1, "moved to a Trash, not destroyed");
    let folders = postel.json(&["folders", &account]);
    assert!(
        folders
            .as_array()
            .expect("folders")
            .iter()
            .any(|f| f["name"] == "Trash" && f["role"] == "trash"),
        "{folders}"
    );
    // Only asked for, it goes for good.
    let said = postel.ok(
        &[
            "delete",
            &account,
            &in_trash[0].0.to_string(),
            "--permanently",
        ],
        None,
    );
    assert!(said.contains("deleted permanently"), "{said}");
    assert!(
        !subjects_in(&postel, &account, "Trash")
            .iter()
            .any(|(_, s)| *s == subject)
    );
}

#[test]
fn a_move_into_a_folder_the_server_lacks_creates_it_there() {
    let s = servers();
    let rt = crate::receiving::rt();
    let folder = rt.block_on(crate::receiving::folder_with("anna", "trycreate", 1));
    let missing = unique("Made-by-Postel");
    let scratch = TempDir::new("trycreate");
    let account = crate::worker::account("trycreate", s.password("anna"));
    let name = account.name.clone();
    let applied = rt.block_on(async {
        let engine = crate::harness::engine_with(&scratch, &account).await;
        let options = postel::sync::Options {
            folder: Some(folder.clone()),
            ..Default::default()
        };
        engine
            .sync(&name, &options, &postel::sync::quiet())
            .await
            .expect("synced");
        let id = engine.list(&name, &folder, 5, None).await.expect("rows")[0].id;
        // A folder Postel knows of and the server does not (as the Trash
        // made for an account without one).
        let (account_name, target) = (name.clone(), missing.clone());
        engine
            .store()
            .expect("store")
            .run(move |st| st.upsert_folder(&account_name, &target, Some("/"), None))
            .await
            .expect("the local folder");
        engine
            .move_message(&name, id, &missing)
            .await
            .expect("moved")
    });
    assert_eq!(applied, Applied::OnServer);
    let there: Vec<String> = rt
        .block_on(crate::receiving::server_view("anna", &missing))
        .into_values()
        .map(|(subject, _)| subject)
        .collect();
    assert_eq!(there, ["trycreate-0"]);
    assert!(
        rt.block_on(crate::receiving::server_view("anna", &folder))
            .is_empty()
    );
}
