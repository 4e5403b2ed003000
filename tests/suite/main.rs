//! Integration tests against the real mail servers of `tests/servers/`.
//! One test binary (one link step) for the whole suite.

mod accounts;
mod autoconfig;
mod autoconfig_approval;
mod cli;
mod courier;
mod cut;
mod deleting;
mod delivery_reports;
mod discovery_parts;
mod folder_names;
mod harness;
mod hostile;
mod imap_raw;
mod oauth;
mod oauth_browser;
mod other_servers;
mod outbox_timing;
mod pop3;
mod pop3_codes;
mod postel;
mod read_receipts;
mod reading;
mod receiving;
mod sending;
mod silent_port;
mod smoke;
mod window;
mod worker;
