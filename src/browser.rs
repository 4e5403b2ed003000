//! Opening an address in the user's browser, for the OAuth2 sign-in: the
//! XDG desktop portal's OpenURI (which works inside a Flatpak or Snap, and
//! lets the desktop pick the browser), else `xdg-open`.

use std::collections::HashMap;
use std::time::Duration;

/// How long the portal may take to take the request: it answers at once
/// when it runs; a session bus without one errors or stays silent.
const PORTAL_WAIT: Duration = Duration::from_secs(5);

/// Opens `url`; an error says in a few words why neither way worked.
pub async fn open(url: &str) -> Result<(), String> {
    match tokio::time::timeout(PORTAL_WAIT, portal(url)).await {
        Ok(Ok(())) => return Ok(()),
        Ok(Err(e)) => tracing::debug!("the desktop portal did not open the browser: {e}"),
        Err(_) => tracing::debug!("the desktop portal did not answer"),
    }
    std::process::Command::new("xdg-open")
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| format!("xdg-open could not be run: {e}"))
}

/// [`open`] on a task of its own, for a sign-in that waits for the
/// browser's answer meanwhile; a failure is logged (the address is shown
/// or printed beside it).
pub fn open_in_background(url: &str) {
    let url = url.to_owned();
    tokio::spawn(async move {
        if let Err(e) = open(&url).await {
            tracing::warn!("the browser could not be opened: {e}");
        }
    });
}

async fn portal(url: &str) -> zbus::Result<()> {
    let bus = zbus::Connection::session().await?;
    let proxy = zbus::Proxy::new(
        &bus,
        "org.freedesktop.portal.Desktop",
        "/org/freedesktop/portal/desktop",
        "org.freedesktop.portal.OpenURI",
    )
    .await?;
    let options: HashMap<&str, zbus::zvariant::Value<'_>> = HashMap::new();
    // An empty parent window: the portal then places its dialogs itself.
    let _: zbus::zvariant::OwnedObjectPath = proxy.call("OpenURI", &("", url, options)).await?;
    Ok(())
}
