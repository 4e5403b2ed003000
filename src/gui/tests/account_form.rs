//! The account form, headless: first run, found settings, editing and
//! removing an account, the offline days.

use super::*;
use crate::account::{AuthMechanism, Role};
use crate::discovery::{Found, Source};

#[test]
fn first_run_leads_to_account_setup() {
    let (mut app, _) = App::new(temp_dirs("welcome"));
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("welcome-tagline").as_str()).is_ok());
    let _ = ui
        .click(fl!("welcome-add-account").as_str())
        .expect("the button is there");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, messages);
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("setup-title").as_str()).is_ok());
    // Typing the address guesses the servers and the user name.
    let _ = ui
        .click(iced_test::selector::id("setup-email"))
        .expect("email field");
    let _ = ui.typewrite("ann@example.org");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, messages);
    let setup = app.setup.as_ref().expect("setup open");
    assert_eq!(setup.in_host, "imap.example.org");
    assert_eq!(setup.out_host, "smtp.example.org");
    assert_eq!(setup.username, "ann@example.org");
    // A bad port is refused with a sentence, before any connection.
    feed_and_run(
        &mut app,
        [
            Message::Setup(account_setup::Message::InPort("99999".into())),
            Message::Setup(account_setup::Message::Test),
        ],
    );
    let mut ui = simulator(app.view());
    let expected = fl!("setup-bad-port", server = fl!("setup-incoming"));
    assert!(ui.find(expected.as_str()).is_ok(), "the error is shown");
}

#[test]
fn found_settings_fill_the_setup_form_and_say_where_they_came_from() {
    let (mut app, _) = App::new(temp_dirs("discover"));
    let _ = app.update(Message::AddAccount);
    // Without an address there is nothing to look up.
    let _ = app.update(Message::Setup(account_setup::Message::Discover));
    assert_eq!(
        app.setup.as_ref().and_then(|s| s.error.clone()),
        Some(fl!("setup-need-email"))
    );
    let found = found(
        Source::Provider,
        "https://autoconfig.example.org/mail/config-v1.1.xml",
        "mail.example.org",
    );
    let _ = app.update(Message::Discovered(Ok(Discovery {
        found: Box::new(found),
        results: Vec::new(),
    })));
    let setup = app.setup.as_ref().expect("setup");
    assert_eq!(
        (setup.in_host.as_str(), setup.in_port.as_str()),
        ("mail.example.org", "143")
    );
    assert_eq!(setup.username, "ann");
    assert!(setup.awaiting().is_empty(), "HTTPS from the provider");
    let mut ui = simulator(app.view());
    let label = "Found in your provider's own configuration file, read over HTTPS \
                 (https://autoconfig.example.org/mail/config-v1.1.xml).";
    assert!(ui.find(label).is_ok());
    assert!(ui.find(fl!("setup-approve").as_str()).is_err());
}

/// Settings for ann@example.org as discovery would return them.
fn found(source: Source, origin: &str, host: &str) -> Found {
    use crate::account::{Incoming, Outgoing, Protocol, Security, Server};
    let server = |port| Server {
        host: host.into(),
        port,
        security: Security::Starttls,
        ..Default::default()
    };
    Found {
        account: Account {
            name: "ann@example.org".into(),
            email: "ann@example.org".into(),
            incoming: Incoming {
                protocol: Protocol::Imap,
                username: "ann".into(),
                server: server(143),
                ..Default::default()
            },
            outgoing: Outgoing {
                server: server(587),
                ..Default::default()
            },
            ..Default::default()
        },
        domain: "example.org".into(),
        source,
        origin: origin.into(),
        insecure: false,
        username_guessed: false,
        notes: Vec::new(),
        other_incoming: None,
        tried: Vec::new(),
    }
}

#[test]
fn found_servers_outside_the_domain_wait_for_use_these_servers() {
    let (mut app, _) = App::new(temp_dirs("approve"));
    let _ = app.update(Message::AddAccount);
    feed_and_run(
        &mut app,
        [
            Message::Setup(account_setup::Message::Email("ann@example.org".into())),
            Message::Setup(account_setup::Message::Password("secret".into())),
        ],
    );
    let found = found(
        Source::Srv,
        "_imap._tcp.example.org, _submission._tcp.example.org",
        "mail.provider.net",
    );
    assert_eq!(found.policy().unapproved, ["mail.provider.net"]);
    let _ = app.update(Message::Discovered(Ok(Discovery {
        found: Box::new(found),
        results: Vec::new(),
    })));
    let mut ui = simulator(app.view());
    // Where from, the host spelled out for each server, and the button.
    let label = "Found in the domain's DNS service records (SRV), which are not authenticated \
                 (_imap._tcp.example.org, _submission._tcp.example.org).";
    assert!(ui.find(label).is_ok());
    for which in [fl!("setup-incoming"), fl!("setup-outgoing")] {
        let line = fl!(
            "setup-approve-host",
            server = which,
            host = "mail.provider.net"
        );
        assert!(ui.find(line.as_str()).is_ok(), "{line}");
    }
    assert!(
        ui.find(fl!("setup-approve-intro", domain = "example.org").as_str())
            .is_ok()
    );
    // Below the form, as are Test and Save.
    assert!(ui.find(fl!("setup-approve").as_str()).is_ok(), "the button");
    drop(ui);
    // Neither a test login nor saving before the approval.
    for message in [account_setup::Message::Test, account_setup::Message::Save] {
        let _ = app.update(Message::Setup(message));
        let setup = app.setup.as_ref().expect("setup");
        assert!(!setup.busy && setup.results.is_empty());
    }
    let setup = app.setup.as_mut().expect("setup");
    // A host typed by the user is the user's own choice.
    let _ = setup.update(account_setup::Message::InHost("imap.other.net".into()));
    assert_eq!(setup.awaiting(), ["mail.provider.net"], "outgoing only");
    let _ = setup.update(account_setup::Message::InHost("mail.provider.net".into()));
    let account_setup::Action::Confirm {
        account, policy, ..
    } = setup.update(account_setup::Message::Approve)
    else {
        panic!("approving logs in");
    };
    assert_eq!(account.incoming.server.host, "mail.provider.net");
    assert!(policy.unapproved.is_empty(), "{policy:?}");
    assert!(setup.busy && setup.awaiting().is_empty());
    let mut ui = simulator(setup.view().map(Message::Setup));
    assert!(ui.find(fl!("setup-approve").as_str()).is_err());
}

#[test]
fn accounts_are_edited_and_removed_from_settings() {
    let (dirs, _) = populated("settings", 2);
    let mut app = started(dirs);
    // The toolbar's Accounts button (an icon; its name is its tooltip).
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::Tool(
            mailbox::Tool::Settings,
        ))],
    );
    let mut ui = simulator(app.view());
    assert!(ui.find("work").is_ok(), "the account is listed");
    let _ = ui.click(fl!("settings-edit").as_str()).expect("edit");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, messages);
    let setup = app.setup.as_ref().expect("the form opens");
    assert!(setup.original.is_some(), "editing, not adding");
    assert_eq!(setup.email, "work@example.test");
    let _ = app.update(Message::Setup(account_setup::Message::Cancel));
    // Removing asks first.
    let _ = app.update(Message::Settings(settings::Message::Remove("work".into())));
    let mut ui = simulator(app.view());
    let question = fl!("settings-remove-confirm", name = "work");
    assert!(ui.find(question.as_str()).is_ok());
}

#[test]
fn the_offline_days_are_typed_in_the_account_form() {
    let (mut app, _) = App::new(temp_dirs("offline"));
    app.setup = Some(account_setup::State::new());
    feed_and_run(
        &mut app,
        [
            Message::Setup(account_setup::Message::Email("ann@example.org".into())),
            Message::Setup(account_setup::Message::Manual),
        ],
    );
    // IMAP accounts show the field; typing into it sets the days.
    let mut ui = simulator(app.view());
    let _ = ui
        .click(iced_test::selector::id("setup-offline-days"))
        .expect("offline field");
    let _ = ui.typewrite("30");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, messages);
    let setup = app.setup.as_ref().expect("setup open");
    let account = setup.account().expect("valid");
    assert_eq!(account.incoming.offline_days, Some(30));
    // Editing shows what is saved; a word is refused with a sentence.
    let mut editing = account_setup::State::editing(&account);
    assert_eq!(editing.offline_days, "30");
    let _ = editing.update(account_setup::Message::OfflineDays("a month".into()));
    assert_eq!(editing.account().err(), Some(fl!("setup-bad-offline-days")));
    let _ = editing.update(account_setup::Message::OfflineDays(String::new()));
    assert_eq!(
        editing.account().expect("valid").incoming.offline_days,
        None
    );
    // POP3 downloads everything: no such field.
    let _ = editing.update(account_setup::Message::Protocol(
        crate::account::Protocol::Pop3,
    ));
    let mut ui = simulator(editing.view().map(Message::Setup));
    assert!(
        ui.find(iced_test::selector::id("setup-offline-days"))
            .is_err()
    );
}

#[test]
fn a_folder_is_chosen_for_trash_in_the_account_form() {
    let (dirs, _) = populated("folder-roles", 1);
    {
        let store = Store::open(&dirs.data).expect("store");
        for name in ["Archiv", "Gel&APY-scht"] {
            store
                .upsert_folder("work", name, Some("/"), None)
                .expect("folder");
        }
    }
    let mut app = started(dirs.clone());
    app.settings = Some(settings::State::default());
    feed_and_run(
        &mut app,
        [Message::Settings(settings::Message::Edit("work".into()))],
    );
    let setup = app.setup.as_ref().expect("the form opens");
    assert_eq!(
        setup.folders,
        ["Archiv", "Gelöscht"],
        "decoded, INBOX left out"
    );
    let choices = setup.choices.clone();
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("setup-folders").as_str()).is_ok());
    assert!(ui.find(fl!("setup-folder-trash").as_str()).is_ok());
    drop(ui);
    assert_eq!(
        choices,
        crate::account::FolderChoices::default(),
        "each role starts automatic"
    );
    feed_and_run(
        &mut app,
        [
            Message::Setup(account_setup::Message::FolderFor(
                "trash",
                account_setup::FolderChoice::Folder("Gelöscht".into()),
            )),
            // The fixture's account has no servers yet.
            Message::Setup(account_setup::Message::InHost("127.0.0.1".into())),
            Message::Setup(account_setup::Message::OutHost("127.0.0.1".into())),
            Message::Setup(account_setup::Message::Username("work".into())),
            Message::Setup(account_setup::Message::Save),
        ],
    );
    assert!(
        app.setup.is_none(),
        "saved and closed: {:?} {:?}",
        app.setup.as_ref().and_then(|s| s.error.clone()),
        app.notices
    );
    let (saved, _) = crate::config::load(&dirs.config).expect("settings");
    let work = saved
        .accounts
        .iter()
        .find(|a| a.name == "work")
        .expect("work");
    assert_eq!(work.incoming.folders.trash.as_deref(), Some("Gelöscht"));
    let trash = Store::open(&dirs.data)
        .expect("store")
        .folder_by_role("work", crate::store::FolderRole::Trash)
        .expect("query")
        .expect("a Trash at once, before any sync");
    assert_eq!(trash.name, "Gel&APY-scht");
}

/// Preferences take effect at once, are written to the settings file, and
/// are there again at the next start.
#[test]
fn preferences_apply_at_once_and_come_back_after_a_restart() {
    use crate::gui::screen::settings;
    use crate::preferences::{Density, Theme};
    let (dirs, _) = populated("prefs", 3);
    let mut app = started(dirs.clone());
    feed_and_run(
        &mut app,
        [Message::Mailbox(mailbox::Message::Tool(
            mailbox::Tool::Settings,
        ))],
    );
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("prefs-appearance").as_str()).is_ok());
    assert!(ui.find(fl!("prefs-reading").as_str()).is_ok());
    drop(ui);
    let dark = settings::themes()
        .into_iter()
        .find(|c| c.value == Theme::Dark)
        .expect("dark");
    let compact = settings::densities()
        .into_iter()
        .find(|c| c.value == Density::Compact)
        .expect("compact");
    feed_and_run(
        &mut app,
        [
            Message::Settings(settings::Message::Theme(dark)),
            Message::Settings(settings::Message::Density(compact)),
            Message::Settings(settings::Message::PlainText(true)),
            Message::Settings(settings::Message::Notify(false)),
        ],
    );
    assert!(app.theme().extended_palette().is_dark, "dark at once");
    let mailbox = app.mailbox.as_ref().expect("mailbox");
    assert!(mailbox.list.compact && mailbox.reading.prefer_plain_text);
    let file = std::fs::read_to_string(dirs.config.join("settings.toml")).expect("settings");
    assert!(file.contains("theme = \"dark\""), "{file}");
    assert!(file.contains("density = \"compact\""), "{file}");
    assert!(file.contains("new_mail = false"), "{file}");
    assert!(
        file.contains("name = \"work\""),
        "the account is still there"
    );

    let again = started(dirs);
    assert!(again.theme().extended_palette().is_dark);
    assert!(again.mailbox.as_ref().expect("mailbox").list.compact);
    assert!(!again.prefs.notifications.new_mail);
}

/// A new account as mail apps add one: name, address and password;
/// Continue looks the settings up; what was found is shown as servers with
/// their security spelled out; "Configure manually" opens every field.
#[test]
fn a_new_account_starts_with_three_questions_and_shows_what_was_found() {
    let (mut app, _) = App::new(temp_dirs("steps"));
    let _ = app.update(Message::AddAccount);
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("setup-quick-intro").as_str()).is_ok());
    assert!(
        ui.find(iced_test::selector::id("setup-in-host")).is_err(),
        "no server fields yet"
    );
    drop(ui);
    let asked = app.setup.as_mut().map(|s| {
        let _ = s.update(account_setup::Message::DisplayName("Ann Example".into()));
        let _ = s.update(account_setup::Message::Email("ann@example.org".into()));
        let _ = s.update(account_setup::Message::Password("secret".into()));
        s.update(account_setup::Message::Discover)
    });
    assert!(matches!(
        asked,
        Some(account_setup::Action::Discover { ref email, .. }) if email == "ann@example.org"
    ));
    let mut ui = simulator(app.view());
    let looking = fl!("setup-looking", email = "ann@example.org");
    assert!(ui.find(looking.as_str()).is_ok(), "visible progress");
    drop(ui);
    let found = found(
        Source::Provider,
        "https://autoconfig.example.org/mail/config-v1.1.xml",
        "mail.example.org",
    );
    let _ = app.update(Message::Discovered(Ok(Discovery {
        found: Box::new(found),
        results: Vec::new(),
    })));
    let setup = app.setup.as_ref().expect("setup");
    assert_eq!(setup.stage, account_setup::Stage::Found);
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("setup-found-title").as_str()).is_ok());
    assert!(ui.find("IMAP · mail.example.org:143").is_ok());
    assert!(
        ui.find("STARTTLS").is_ok(),
        "security as mail apps spell it"
    );
    assert!(ui.find(fl!("setup-done").as_str()).is_ok());
    assert!(
        ui.find(fl!("setup-choose-pop3").as_str()).is_err(),
        "no choice when only IMAP is offered"
    );
    let _ = ui.click(fl!("setup-manual").as_str()).expect("manual");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, messages);
    let mut ui = simulator(app.view());
    assert!(
        ui.find(iced_test::selector::id("setup-in-host")).is_ok(),
        "every field, filled with what was found"
    );
    assert_eq!(
        app.setup.as_ref().expect("setup").in_host,
        "mail.example.org"
    );
    assert_eq!(
        account_setup::security_label(crate::account::Security::Tls),
        "SSL/TLS"
    );
}

/// A provider with both IMAP and POP3: the found step lets the user pick,
/// and picking POP3 puts its server in the form (and back again).
#[test]
fn found_settings_offer_pop3_beside_imap_when_the_provider_has_both() {
    use crate::account::{Incoming, Protocol, Security, Server};
    let (mut app, _) = App::new(temp_dirs("steps-pop3"));
    let _ = app.update(Message::AddAccount);
    let mut both = found(
        Source::Provider,
        "https://autoconfig.example.org/mail/config-v1.1.xml",
        "mail.example.org",
    );
    both.other_incoming = Some(Incoming {
        protocol: Protocol::Pop3,
        username: "ann".into(),
        server: Server {
            host: "pop.example.org".into(),
            port: 995,
            security: Security::Tls,
            ..Default::default()
        },
        ..Default::default()
    });
    let _ = app.update(Message::Discovered(Ok(Discovery {
        found: Box::new(both),
        results: Vec::new(),
    })));
    let mut ui = simulator(app.view());
    let _ = ui
        .click(fl!("setup-choose-pop3").as_str())
        .expect("POP3 offered");
    let said: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, said);
    let setup = app.setup.as_ref().expect("setup");
    assert_eq!(setup.protocol, Some(Protocol::Pop3));
    assert_eq!(
        (setup.in_host.as_str(), setup.in_port.as_str()),
        ("pop.example.org", "995")
    );
    let mut ui = simulator(app.view());
    assert!(ui.find("POP3 · pop.example.org:995").is_ok());
    let _ = ui
        .click(fl!("setup-choose-imap").as_str())
        .expect("IMAP offered");
    let said: Vec<Message> = ui.into_messages().collect();
    feed_and_run(&mut app, said);
    let setup = app.setup.as_ref().expect("setup");
    assert_eq!(
        (setup.in_host.as_str(), setup.in_port.as_str()),
        ("mail.example.org", "143")
    );
}

/// "Log in with: browser sign-in": no password asked, a "Sign in in the
/// browser" button, and what the sign-in found is saved with the account,
/// both servers set to OAuth2. Going back to a password drops OAuth2.
#[test]
fn the_browser_sign_in_replaces_the_password_and_is_saved_with_the_account() {
    let (mut app, _) = App::new(temp_dirs("setup-oauth"));
    let _ = app.update(Message::AddAccount);
    feed_and_run(
        &mut app,
        [
            Message::Setup(account_setup::Message::Manual),
            Message::Setup(account_setup::Message::Email("ann@example.org".into())),
        ],
    );
    {
        let mut ui = simulator(app.view());
        assert!(ui.find(iced_test::selector::id("setup-password")).is_ok());
        assert!(ui.find(fl!("setup-sign-in").as_str()).is_err());
    }
    feed_and_run(
        &mut app,
        [Message::Setup(account_setup::Message::Login(true))],
    );
    {
        let mut ui = simulator(app.view());
        assert!(
            ui.find(iced_test::selector::id("setup-password")).is_err(),
            "no password for a browser sign-in"
        );
        assert!(ui.find(fl!("setup-sign-in").as_str()).is_ok());
    }
    let setup = app.setup.as_mut().expect("setup");
    match setup.update(account_setup::Message::SignIn) {
        account_setup::Action::SignIn { account } => {
            assert_eq!(account.incoming.server.auth, AuthMechanism::OAuth2);
            assert_eq!(account.outgoing.server.auth, AuthMechanism::OAuth2);
        }
        _ => panic!("the sign-in is asked for"),
    }
    // What the sign-in found comes back and is shown.
    let mut signed = setup.account().expect("account");
    signed.oauth.issuer = Some("https://login.example.org".into());
    signed.oauth.client_id = Some("registered-id".into());
    signed.oauth.registered = true;
    let _ = app.update(Message::SetupSignedIn(Ok(Box::new(signed))));
    {
        let mut ui = simulator(app.view());
        let line = format!(
            "✓ {}",
            fl!("setup-signed-in", issuer = "https://login.example.org")
        );
        assert!(ui.find(line.as_str()).is_ok(), "the sign-in is reported");
    }
    let saved = app.setup.as_ref().expect("setup").account().expect("valid");
    assert_eq!(saved.oauth.client_id.as_deref(), Some("registered-id"));
    assert!(saved.uses_oauth());
    let setup = app.setup.as_mut().expect("setup");
    let _ = setup.update(account_setup::Message::Login(false));
    let back = setup.account().expect("valid");
    assert!(!back.uses_oauth(), "a password again");
    // Each server on its own: the incoming one by password, the outgoing
    // one by the sign-in (the password field stays, for the first).
    let _ = setup.update(account_setup::Message::LoginFor(Role::Outgoing, true));
    let mixed = setup.account().expect("valid");
    assert_eq!(mixed.incoming.server.auth, AuthMechanism::Automatic);
    assert_eq!(mixed.outgoing.server.auth, AuthMechanism::OAuth2);
    let mut ui = simulator(app.view());
    assert!(ui.find(iced_test::selector::id("setup-password")).is_ok());
    assert!(ui.find(fl!("setup-sign-in").as_str()).is_ok());
}
