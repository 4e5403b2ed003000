//! Adding an account: who you are, where mail comes in and goes out, and
//! "Test connection" with one sentence per server. A certificate the
//! system does not trust shows its fingerprint and can be trusted here.
//! Settings found automatically say where they came from; when a source
//! nobody vouches for named a server outside the address's domain, its
//! host name is shown and nothing is logged into or saved until the user
//! chooses "Use these servers".

use iced::widget::{button, column, pick_list, row, text};
use iced::{Element, Length};

use crate::account::{
    Account, AuthMechanism, FolderChoices, Incoming, OAuth, Outgoing, PasswordSource, Protocol,
    Role, Security, Server, Service, default_port,
};
use crate::discovery::{Found, Policy, approval};
use crate::fl;

mod manual;
mod steps;
pub use steps::{Stage, security_label};

/// The outcome of testing one server, as the app reports it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tested {
    pub incoming: bool,
    pub ok: bool,
    pub message: String,
    /// Set when the only problem is an untrusted certificate.
    pub fingerprint: Option<String>,
}

#[derive(Debug, Default)]
pub struct State {
    pub name: String,
    pub display_name: String,
    pub email: String,
    pub password: String,
    pub protocol: Option<Protocol>,
    pub in_host: String,
    pub in_port: String,
    pub in_security: Option<Security>,
    pub username: String,
    /// Days of whole messages kept for offline reading (IMAP); empty: none.
    pub offline_days: String,
    pub out_host: String,
    pub out_port: String,
    pub out_security: Option<Security>,
    pins: Vec<String>,
    pub results: Vec<Tested>,
    /// The settings "Find my settings" found: where from, and which of
    /// their hosts need the user's approval.
    pub found: Option<Box<Found>>,
    /// Hosts the user approved with "Use these servers".
    approved: Vec<String>,
    /// The account being edited; `None` when adding one.
    pub original: Option<Account>,
    pub error: Option<String>,
    pub busy: bool,
    /// Hosts and user name typed by the user are not overwritten by guesses.
    touched: [bool; 3],
    /// The account's folders as the user reads them (when editing an IMAP
    /// account that has synced), to choose a role's folder from.
    pub folders: Vec<String>,
    /// Folders chosen by hand for Sent, Drafts, Trash, Junk, Archive.
    pub choices: FolderChoices,
    /// Where a new account's setup is: the three questions, what was
    /// found, or the whole form.
    pub stage: Stage,
    /// The incoming server logs in with the browser sign-in (OAuth2),
    /// not a password...
    pub oauth: bool,
    /// ... and the outgoing one.
    pub oauth_out: bool,
    /// What the sign-in found (its server, the client ID), kept with the
    /// account.
    pub oauth_settings: OAuth,
    /// The browser sign-in went through in this form...
    pub signed: bool,
    /// ... and this says with whom (for both servers, so under neither).
    pub signed_note: Option<String>,
}

/// What a role's folder picker offers: the server's own choice, or one of
/// the account's folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderChoice {
    Automatic,
    Folder(String),
}

impl std::fmt::Display for FolderChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FolderChoice::Automatic => f.write_str(&fl!("setup-folder-automatic")),
            FolderChoice::Folder(name) => f.write_str(name),
        }
    }
}

/// The roles one can choose a folder for, with their labels' ids.
const ROLES: [&str; 5] = ["sent", "drafts", "trash", "junk", "archive"];

#[derive(Debug, Clone)]
pub enum Message {
    Name(String),
    DisplayName(String),
    Email(String),
    Password(String),
    Protocol(Protocol),
    InHost(String),
    InPort(String),
    InSecurity(Security),
    Username(String),
    OfflineDays(String),
    OutHost(String),
    OutPort(String),
    OutSecurity(Security),
    /// A folder chosen for a role ("sent", "drafts", …).
    FolderFor(&'static str, FolderChoice),
    Test,
    Discover,
    /// "Use these servers": the hosts shown may get the password.
    Approve,
    Trust(String),
    Save,
    Cancel,
    /// "Configure manually": the whole form.
    Manual,
    /// Back to name, address and password.
    Back,
    /// On the found step: receive by this protocol (the provider offers
    /// both).
    UseIncoming(Protocol),
    /// Both servers log in with a password (false) or the browser
    /// sign-in (true).
    Login(bool),
    /// One server does.
    LoginFor(Role, bool),
    /// "Sign in in the browser".
    SignIn,
}

pub enum Action {
    None,
    Test {
        account: Box<Account>,
        password: String,
    },
    Discover {
        email: String,
        password: String,
    },
    /// Log in to approved settings found, as discovery would have.
    Confirm {
        account: Box<Account>,
        password: String,
        policy: Policy,
    },
    Save {
        account: Box<Account>,
        password: String,
    },
    /// The browser sign-in for the account in the form.
    SignIn {
        account: Box<Account>,
    },
    Cancel,
}

impl State {
    pub fn new() -> Self {
        Self {
            protocol: Some(Protocol::Imap),
            in_security: Some(Security::Tls),
            out_security: Some(Security::Tls),
            in_port: "993".into(),
            out_port: "465".into(),
            ..Self::default()
        }
    }

    /// The form for changing an existing account.
    pub fn editing(account: &Account) -> Self {
        Self {
            stage: Stage::Manual,
            name: account.name.clone(),
            display_name: account.display_name.clone(),
            email: account.email.clone(),
            protocol: Some(account.incoming.protocol),
            in_host: account.incoming.server.host.clone(),
            in_port: account.incoming.server.port.to_string(),
            in_security: Some(account.incoming.server.security),
            username: account.incoming.username.clone(),
            offline_days: account
                .incoming
                .offline_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
            out_host: account.outgoing.server.host.clone(),
            out_port: account.outgoing.server.port.to_string(),
            out_security: Some(account.outgoing.server.security),
            pins: account.incoming.server.pinned_sha256.clone(),
            touched: [true; 3],
            choices: account.incoming.folders.clone(),
            original: Some(account.clone()),
            oauth: account.incoming.server.auth == AuthMechanism::OAuth2,
            oauth_out: account.outgoing.server.auth == AuthMechanism::OAuth2,
            oauth_settings: account.oauth.clone(),
            ..Self::default()
        }
    }

    /// The account these fields describe, or every problem with them.
    pub fn account(&self) -> Result<Account, String> {
        let mut account = self.fields()?;
        // What the form does not show stays as it was.
        if let Some(orig) = &self.original {
            account.name = orig.name.clone();
            account.signature = orig.signature.clone();
            account.password = orig.password.clone();
            account.incoming.pop3 = orig.incoming.pop3.clone();
            account.outgoing.username = orig.outgoing.username.clone();
            account.outgoing.give_up_after_days = orig.outgoing.give_up_after_days;
            for (new, old) in [
                (&mut account.incoming.server, &orig.incoming.server),
                (&mut account.outgoing.server, &orig.outgoing.server),
            ] {
                new.auth = old.auth;
                new.trusted_certificates = old.trusted_certificates.clone();
                for pin in &old.pinned_sha256 {
                    if !new.pinned_sha256.contains(pin) {
                        new.pinned_sha256.push(pin.clone());
                    }
                }
            }
        }
        for (server, oauth) in [
            (&mut account.incoming.server, self.oauth),
            (&mut account.outgoing.server, self.oauth_out),
        ] {
            if oauth {
                server.auth = AuthMechanism::OAuth2;
            } else if server.auth == AuthMechanism::OAuth2 {
                server.auth = AuthMechanism::Automatic;
            }
        }
        account.oauth = self.oauth_settings.clone();
        account.incoming.folders = self.choices.clone();
        account.validate().map_err(|e| crate::i18n::say(&e))?;
        Ok(account)
    }

    fn fields(&self) -> Result<Account, String> {
        let port = |s: &str, which: &str| {
            s.trim()
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| fl!("setup-bad-port", server = which.to_owned()))
        };
        let in_port = port(&self.in_port, &fl!("setup-incoming"))?;
        let out_port = port(&self.out_port, &fl!("setup-outgoing"))?;
        let offline_days = match self.offline_days.trim() {
            "" => None,
            days => match days.parse::<u32>() {
                Ok(0) => None,
                Ok(d) => Some(d),
                Err(_) => return Err(fl!("setup-bad-offline-days")),
            },
        };
        let name = if self.name.trim().is_empty() {
            self.email.trim().to_owned()
        } else {
            self.name.trim().to_owned()
        };
        let account = Account {
            name,
            display_name: self.display_name.trim().to_owned(),
            email: self.email.trim().to_owned(),
            signature: None,
            incoming: Incoming {
                protocol: self.protocol.unwrap_or_default(),
                username: self.username.trim().to_owned(),
                server: Server {
                    host: self.in_host.trim().to_owned(),
                    port: in_port,
                    security: self.in_security.unwrap_or_default(),
                    pinned_sha256: self.pins.clone(),
                    ..Server::default()
                },
                offline_days,
                ..Incoming::default()
            },
            outgoing: Outgoing {
                server: Server {
                    host: self.out_host.trim().to_owned(),
                    port: out_port,
                    security: self.out_security.unwrap_or_default(),
                    pinned_sha256: self.pins.clone(),
                    ..Server::default()
                },
                ..Outgoing::default()
            },
            password: PasswordSource::Keyring,
            oauth: Default::default(),
        };
        Ok(account)
    }

    fn guess(&mut self) {
        let domain = self
            .email
            .rsplit_once('@')
            .map(|(_, d)| d.trim().to_owned());
        let Some(domain) = domain.filter(|d| !d.is_empty()) else {
            return;
        };
        let prefix = match self.protocol {
            Some(Protocol::Pop3) => "pop",
            _ => "imap",
        };
        if !self.touched[0] {
            self.in_host = format!("{prefix}.{domain}");
        }
        if !self.touched[1] {
            self.out_host = format!("smtp.{domain}");
        }
        if !self.touched[2] {
            self.username = self.email.trim().to_owned();
        }
    }

    pub fn update(&mut self, message: Message) -> Action {
        self.error = None;
        match message {
            Message::Name(v) => self.name = v,
            Message::DisplayName(v) => self.display_name = v,
            Message::Email(v) => {
                self.email = v;
                self.guess();
            }
            Message::Password(v) => self.password = v,
            Message::Login(oauth) => {
                (self.oauth, self.oauth_out) = (oauth, oauth);
                self.results.clear();
            }
            Message::LoginFor(role, oauth) => {
                match role {
                    Role::Incoming => self.oauth = oauth,
                    Role::Outgoing => self.oauth_out = oauth,
                }
                self.results.clear();
            }
            Message::SignIn => {
                if !self.awaiting().is_empty() {
                    return Action::None;
                }
                return match self.account() {
                    Ok(account) => {
                        self.busy = true;
                        self.results.clear();
                        Action::SignIn {
                            account: Box::new(account),
                        }
                    }
                    Err(e) => {
                        self.error = Some(e);
                        Action::None
                    }
                };
            }
            Message::UseIncoming(p) => {
                let Some(found) = &self.found else {
                    return Action::None;
                };
                let chosen = std::iter::once(&found.account.incoming)
                    .chain(found.other_incoming.as_ref())
                    .find(|i| i.protocol == p)
                    .cloned();
                if let Some(i) = chosen {
                    self.protocol = Some(i.protocol);
                    self.in_host = i.server.host;
                    self.in_port = i.server.port.to_string();
                    self.in_security = Some(i.server.security);
                    self.username = i.username;
                    // The login shown was to the other server.
                    self.results.retain(|r| !r.incoming);
                }
            }
            Message::Protocol(p) => {
                self.protocol = Some(p);
                self.in_port =
                    default_port(p.into(), self.in_security.unwrap_or_default()).to_string();
                self.guess();
            }
            Message::InHost(v) => {
                self.in_host = v;
                self.touched[0] = true;
            }
            Message::InPort(v) => self.in_port = v,
            Message::InSecurity(s) => {
                self.in_security = Some(s);
                let service: Service = self.protocol.unwrap_or_default().into();
                self.in_port = default_port(service, s).to_string();
            }
            Message::Username(v) => {
                self.username = v;
                self.touched[2] = true;
            }
            Message::OfflineDays(v) => self.offline_days = v,
            Message::FolderFor(role, choice) => {
                if let Some(slot) = self.choices.slot(role) {
                    *slot = match choice {
                        FolderChoice::Automatic => None,
                        FolderChoice::Folder(name) => Some(name),
                    };
                }
            }
            Message::OutHost(v) => {
                self.out_host = v;
                self.touched[1] = true;
            }
            Message::OutPort(v) => self.out_port = v,
            Message::OutSecurity(s) => {
                self.out_security = Some(s);
                self.out_port = default_port(Service::Smtp, s).to_string();
            }
            Message::Trust(fingerprint) => {
                if !self.pins.contains(&fingerprint) {
                    self.pins.push(fingerprint);
                }
                return self.update(Message::Test);
            }
            Message::Approve => return self.approve(),
            Message::Test | Message::Save => {
                if !self.awaiting().is_empty() {
                    return Action::None;
                }
                let save = matches!(message, Message::Save);
                return match self.account() {
                    Ok(account) => {
                        self.busy = true;
                        let (account, password) = (Box::new(account), self.password.clone());
                        if save {
                            Action::Save { account, password }
                        } else {
                            self.results.clear();
                            Action::Test { account, password }
                        }
                    }
                    Err(e) => {
                        self.error = Some(e);
                        Action::None
                    }
                };
            }
            Message::Cancel => return Action::Cancel,
            Message::Manual => self.stage = Stage::Manual,
            Message::Back => {
                self.stage = Stage::Start;
                self.results.clear();
            }
            Message::Discover => {
                if crate::account::validate_email(self.email.trim()).is_err() {
                    self.error = Some(fl!("setup-need-email"));
                    return Action::None;
                }
                self.busy = true;
                self.results.clear();
                self.found = None;
                self.approved.clear();
                return Action::Discover {
                    email: self.email.trim().to_owned(),
                    password: self.password.clone(),
                };
            }
        }
        Action::None
    }

    /// The hosts in the form that still need the user's approval: found
    /// through a source nobody vouches for, outside the address's domain,
    /// not changed by the user, not approved yet.
    pub fn awaiting(&self) -> Vec<String> {
        let Some(found) = &self.found else {
            return Vec::new();
        };
        let mut shown = found.account.clone();
        shown.incoming.server.host = self.in_host.trim().to_owned();
        shown.outgoing.server.host = self.out_host.trim().to_owned();
        let mut hosts = found.hosts_to_approve(&shown);
        hosts.retain(|h| !self.approved.iter().any(|a| approval::same_host(a, h)));
        hosts
    }

    /// "Use these servers": the hosts shown are approved and, with a
    /// password, logged into.
    fn approve(&mut self) -> Action {
        let Some(found) = self.found.clone() else {
            return Action::None;
        };
        let awaiting = self.awaiting();
        let account = match self.account() {
            Ok(account) => account,
            Err(e) => {
                self.error = Some(e);
                return Action::None;
            }
        };
        self.approved.extend(awaiting);
        if self.password.is_empty() {
            return Action::None;
        }
        let mut policy = found.policy();
        policy.unapproved = found.hosts_to_approve(&account);
        for host in &self.approved {
            policy.approve(host);
        }
        // The local part is worth a try only for the user name found.
        policy.try_local_part &= account.incoming.username == found.account.incoming.username;
        self.busy = true;
        self.results.clear();
        Action::Confirm {
            account: Box::new(account),
            password: self.password.clone(),
            policy,
        }
    }

    /// The logins after "Use these servers"; a user name only the server
    /// knew replaces the one shown.
    /// Whether a server of the form signs in in the browser.
    pub fn any_oauth(&self) -> bool {
        self.oauth || self.oauth_out
    }

    /// The browser sign-in ended: its settings kept for saving, or why not.
    pub fn signed_in(&mut self, result: Result<Account, String>) {
        self.busy = false;
        match result {
            Ok(account) => {
                let issuer = account.oauth.issuer.clone().unwrap_or_default();
                self.signed = true;
                self.oauth_settings = account.oauth;
                self.results.clear();
                self.signed_note = Some(fl!("setup-signed-in", issuer = issuer));
            }
            Err(e) => self.error = Some(e),
        }
    }

    pub fn confirmed(&mut self, account: &Account, results: Vec<Tested>) {
        self.busy = false;
        self.username = account.incoming.username.clone();
        self.results = results;
    }

    /// Fills the fields with settings discovery found; the user can still
    /// change any of them.
    pub fn discovered(&mut self, found: Found, results: Vec<Tested>) {
        let account = &found.account;
        self.busy = false;
        self.protocol = Some(account.incoming.protocol);
        self.in_host = account.incoming.server.host.clone();
        self.in_port = account.incoming.server.port.to_string();
        self.in_security = Some(account.incoming.server.security);
        self.username = account.incoming.username.clone();
        self.out_host = account.outgoing.server.host.clone();
        self.out_port = account.outgoing.server.port.to_string();
        self.out_security = Some(account.outgoing.server.security);
        self.touched = [true; 3];
        self.results = results;
        // The provider signs in in the browser: no password is sent.
        self.oauth = account.incoming.server.auth == AuthMechanism::OAuth2;
        self.oauth_out = account.outgoing.server.auth == AuthMechanism::OAuth2;
        self.oauth_settings = account.oauth.clone();
        self.found = Some(Box::new(found));
        if self.stage == Stage::Start {
            self.stage = Stage::Found;
        }
    }

    /// Where the settings came from and, when some host needs approval,
    /// that host spelled out and the button that approves it.
    pub(super) fn found_view(&self) -> Option<Element<'_, Message>> {
        let found = self.found.as_ref()?;
        let mut lines = column![
            text(fl!(
                "setup-source",
                source = found.source.id(),
                origin = found.origin.clone()
            ))
            .size(13)
        ]
        .spacing(6);
        if found.insecure {
            lines = lines.push(text(fl!("setup-insecure")).size(13).style(text::danger));
        }
        let awaiting = self.awaiting();
        if awaiting.is_empty() {
            return Some(lines.into());
        }
        lines = lines.push(
            text(fl!("setup-approve-intro", domain = found.domain.clone()))
                .size(13)
                .style(text::danger),
        );
        for (role, host) in [
            (Role::Incoming, &self.in_host),
            (Role::Outgoing, &self.out_host),
        ] {
            if awaiting.iter().any(|h| approval::same_host(h, host.trim())) {
                let which = match role {
                    Role::Incoming => fl!("setup-incoming"),
                    Role::Outgoing => fl!("setup-outgoing"),
                };
                lines = lines.push(
                    text(fl!(
                        "setup-approve-host",
                        server = which,
                        host = host.trim().to_owned()
                    ))
                    .size(14),
                );
            }
        }
        lines = lines.push(
            button(text(fl!("setup-approve")))
                .on_press_maybe((!self.busy).then_some(Message::Approve))
                .padding([6, 12])
                .style(crate::gui::theme::primary),
        );
        Some(lines.into())
    }

    /// "Folders": which folder is Sent, Drafts, Trash, Junk and Archive,
    /// for an IMAP account whose folders are known.
    fn folders_view(&self) -> Option<Element<'_, Message>> {
        if self.protocol == Some(Protocol::Pop3) || self.folders.is_empty() {
            return None;
        }
        let options: Vec<FolderChoice> = std::iter::once(FolderChoice::Automatic)
            .chain(self.folders.iter().cloned().map(FolderChoice::Folder))
            .collect();
        let mut rows = column![
            text(fl!("setup-folders")).size(16),
            text(fl!("setup-folders-hint")).size(12),
        ]
        .spacing(8);
        let mut choices = self.choices.clone();
        for role in ROLES {
            let chosen = choices
                .slot(role)
                .and_then(|c| c.clone())
                .map_or(FolderChoice::Automatic, FolderChoice::Folder);
            let label = match role {
                "sent" => fl!("setup-folder-sent"),
                "drafts" => fl!("setup-folder-drafts"),
                "trash" => fl!("setup-folder-trash"),
                "junk" => fl!("setup-folder-junk"),
                _ => fl!("setup-folder-archive"),
            };
            rows = rows.push(
                row![
                    text(label).size(14).width(170),
                    pick_list(options.clone(), Some(chosen), move |c| {
                        Message::FolderFor(role, c)
                    })
                    .style(crate::gui::theme::picker)
                    .width(Length::Fill),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center),
            );
        }
        Some(rows.into())
    }

    pub fn view(&self) -> Element<'_, Message> {
        match self.stage {
            Stage::Start => self.start_view(),
            Stage::Found => self.found_summary_view(),
            Stage::Manual => self.manual_view(),
        }
    }
}
