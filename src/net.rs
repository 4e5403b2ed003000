//! Connection settings and transports shared by the mail protocols.

pub mod pop3;
pub mod tls;

use std::time::Duration;

/// How long any single network step (connect, handshake, one command's
/// reply) may take before the attempt is given up.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(20);
