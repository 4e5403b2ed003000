//! The account form, headless: first run, found settings, editing and
//! removing an account, the offline days.

use super::*;

#[test]
fn first_run_leads_to_account_setup() {
    let (mut app, _) = App::new(temp_dirs("welcome"));
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("welcome-tagline").as_str()).is_ok());
    let _ = ui
        .click(fl!("welcome-add-account").as_str())
        .expect("the button is there");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed(&mut app, messages);
    let mut ui = simulator(app.view());
    assert!(ui.find(fl!("setup-title").as_str()).is_ok());
    // Typing the address guesses the servers and the user name.
    let _ = ui
        .click(iced_test::selector::id("setup-email"))
        .expect("email field");
    let _ = ui.typewrite("ann@example.org");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed(&mut app, messages);
    let setup = app.setup.as_ref().expect("setup open");
    assert_eq!(setup.in_host, "imap.example.org");
    assert_eq!(setup.out_host, "smtp.example.org");
    assert_eq!(setup.username, "ann@example.org");
    // A bad port is refused with a sentence, before any connection.
    feed(
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
    let found = Account {
        email: "ann@example.org".into(),
        incoming: crate::account::Incoming {
            protocol: crate::account::Protocol::Imap,
            username: "ann".into(),
            server: crate::account::Server {
                host: "mail.example.org".into(),
                port: 143,
                security: crate::account::Security::Starttls,
                ..Default::default()
            },
            ..Default::default()
        },
        ..Default::default()
    };
    let _ = app.update(Message::Discovered(Ok((
        Box::new(found),
        "found by the provider's configuration".into(),
        Vec::new(),
    ))));
    let setup = app.setup.as_ref().expect("setup");
    assert_eq!(
        (setup.in_host.as_str(), setup.in_port.as_str()),
        ("mail.example.org", "143")
    );
    assert_eq!(setup.username, "ann");
    let mut ui = simulator(app.view());
    assert!(ui.find("found by the provider's configuration").is_ok());
}

#[test]
fn accounts_are_edited_and_removed_from_settings() {
    let (dirs, _) = populated("settings", 2);
    let (mut app, _) = App::new(dirs);
    load(&mut app);
    let mut ui = simulator(app.view());
    let _ = ui
        .click(fl!("tool-settings").as_str())
        .expect("settings button");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed(&mut app, messages);
    let mut ui = simulator(app.view());
    assert!(ui.find("work").is_ok(), "the account is listed");
    let _ = ui.click(fl!("settings-edit").as_str()).expect("edit");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed(&mut app, messages);
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
    feed(
        &mut app,
        [Message::Setup(account_setup::Message::Email(
            "ann@example.org".into(),
        ))],
    );
    // IMAP accounts show the field; typing into it sets the days.
    let mut ui = simulator(app.view());
    let _ = ui
        .click(iced_test::selector::id("setup-offline-days"))
        .expect("offline field");
    let _ = ui.typewrite("30");
    let messages: Vec<Message> = ui.into_messages().collect();
    feed(&mut app, messages);
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
