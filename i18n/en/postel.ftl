app-name = Postel
welcome-tagline = Your mail, on your desktop.
welcome-add-account = Add an account

list-to = To: { $names }
list-empty = No messages here.
no-subject = (no subject)
list-group-by-thread = Group by thread
list-count = { $count ->
    [one] { $count } message
   *[other] { $count } messages
}
unified-inbox = All Inboxes
folder-inbox = Inbox
folder-sent = Sent
folder-drafts = Drafts
folder-trash = Trash
folder-junk = Junk
folder-archive = Archive
# A folder Postel created because the account had none for the role
# ($role: the role's name as in the folder list).
folder-made = { $account } had no { $role } folder: Postel made the folder “{ $folder }” and uses it from now on.

tool-compose = Write
tool-reply = Reply
tool-reply-all = Reply all
tool-forward = Forward
tool-delete = Delete
tool-mark-read = Mark as read
tool-mark-unread = Mark as unread
tool-archive = Archive
tool-junk = Junk
tool-flag = Flag
tool-refresh = Get mail
search-placeholder = Search all mail
search-clear = Clear the search
search-nothing = Nothing matches “{ $query }”.
toast-deleted = Moved to Trash.
toast-moved = Moved to { $folder }.
toast-undo = Undo
toast-moved-many = { $count ->
    [one] One message moved.
   *[other] { $count } messages moved.
}
toast-marked-read = { $count ->
    [one] One message marked as read.
   *[other] { $count } messages marked as read.
}
menu-unflag = Remove flag
menu-mark-all-read = Mark all as read
menu-get-messages = Get messages
drag-messages = { $count ->
    [one] One message
   *[other] { $count } messages
}
keys-title = Keyboard shortcuts
keys-next = Next message
keys-previous = Previous message
keys-search = Search
keys-send = Send (in the composer)
keys-overview = This overview
keys-pick-all = Select every message of the list
keys-pick = Select several messages
list-picked = { $count } selected: the toolbar acts on all of them
keys-toggle-read = Mark read or unread
search-results = { $count ->
    [one] { $count } result
   *[other] { $count } results
}

reader-empty = Select a message to read it.
reader-loading = Loading the message…
reader-failed = The message could not be shown: { $reason }
reader-html-as-text = This message is HTML; it is shown as text.
reader-remote-blocked = Remote content in this message was not loaded.
reader-remote-blocked-count = { $count ->
    [one] Remote content blocked to protect your privacy (1 item).
   *[other] Remote content blocked to protect your privacy ({ $count } items).
}
reader-load-remote = Load remote content
reader-always-load = Always for { $sender }
reader-page-cut = This message is too long to show in full as a page; "Show as plain text" has all of it.
reader-open-link = Open { $url } in your browser?
reader-open = Open
reader-cancel = Cancel
reader-laying-out = Laying out the HTML… (the text is shown meanwhile)
reader-html-failed = { $reason }
reader-show-text = Show as plain text
reader-show-html = Show as HTML
reader-copied = Copied to the clipboard.
reader-me = me
reader-to = to { $names }
reader-to-more = to { $names }, +{ $more }
reader-to-nobody = to undisclosed recipients
header-to = To
header-cc = Cc
attachment-unnamed = unnamed attachment
attachment-save = Save
attachment-open = Open
attachment-saved = Saved to { $path }
attachment-opened = Opened a temporary copy, removed when Postel quits: { $path }
attachment-not-opened = Saved to { $path } and not opened, because opening it could run a program.
attachment-no-folder = There is no Downloads or home folder to save to.
attachment-save-failed = { $path } could not be written: { $reason }
attachment-open-failed = The attachment could not be opened: { $reason }
link-open-failed = The link could not be opened (is a web browser installed?): { $reason }

compose-from = From
compose-to = To
compose-cc = Cc
compose-bcc = Bcc
compose-subject = Subject
compose-body-placeholder = Write your message here.
compose-attach-placeholder = Path of a file to attach (or drop files on the window)
compose-attach = Attach
compose-attach-browse = Attach…
compose-attach-title = Attach files
compose-no-file-chooser = No file chooser is available on this desktop; drop files on the window or type a file’s path beside "Attach" instead.
compose-send-later = Send later…
compose-send-later-when = Send
compose-later-tomorrow = Tomorrow morning ({ $when })
compose-later-monday = Monday morning ({ $when })
compose-later-placeholder = 2026-12-24 08:00
compose-later-schedule = At this time
status-held = { $count ->
    [one] Postel closed while a Send could still be undone: that message was not sent. It waits in the outbox as held.
   *[other] Postel closed while { $count } Sends could still be undone: they were not sent. They wait in the outbox as held.
}
status-scheduled = Scheduled for { $when }: it waits in the outbox.
toast-sending = Sending in { $seconds } s…
toast-send-undone-late = Too late to undo: the message has gone out.
compose-send = Send
compose-close = Close
compose-unsaved = This message has not been sent. Discard it?
compose-discard = Discard
compose-keep-editing = Keep editing
compose-bad-address = Not an email address: { $address }
compose-no-account = Choose the account to send from.
compose-no-recipient = Add at least one recipient.
compose-not-a-file = { $path } is not a file.
compose-cannot-attach = { $path } cannot be attached: { $reason }

setup-title = Add an account
setup-intro = Your email address and password, and where your mail is kept. Postel guesses the servers; check them with your provider's instructions.
setup-email = Email address
setup-display-name = Your name
setup-password = Password
setup-name = Account name
setup-incoming = Incoming mail
setup-outgoing = Outgoing mail (SMTP)
setup-protocol = Protocol
setup-security = Security
setup-host = Server
setup-port = Port
setup-username = User name
setup-test = Test connection
setup-save = Save
setup-cancel = Cancel
setup-test-ok = connected and logged in.
setup-trust = Trust this certificate ({ $fingerprint })
setup-bad-port = The port of the { $server } server must be a number from 1 to 65535.
setup-offline-days = Offline (days)
setup-offline-hint = Whole messages of this many recent days are downloaded at each sync, to read without a connection. Empty: each message is downloaded when you open it.
setup-folders = Folders
setup-folders-hint = Which folder holds sent mail, drafts, deleted mail, junk and archived mail. Automatic: the folder the server marks, or else the one whose name says so.
setup-folder-automatic = Automatic
setup-folder-sent = Sent
setup-folder-drafts = Drafts
setup-folder-trash = Trash
setup-folder-junk = Junk
setup-folder-archive = Archive
setup-bad-offline-days = The offline days must be a whole number of days, or empty.

status-idle = Ready.
status-syncing = Getting mail…
status-progress = { $account }: { $folder }: { $stage ->
    [bodies] downloading messages for offline reading, { $done } of { $total }
   *[headers] { $done } of { $total }
}
status-sent = Sent.
status-send-failed = Not sent: { $reason }. It stays in the outbox as failed.
status-queued = Not sent yet: { $reason }. It stays in the outbox and is retried.
status-action-queued = Saved here; the server could not be reached ({ $reason }), so it will be applied at the next sync.
compose-save-draft = Save draft
status-draft-failed = The draft could not be saved: { $reason }
outbox = Outbox
outbox-empty = The outbox is empty.
outbox-pick = Select a message to see what became of it.
outbox-held = Held
outbox-held-why = Postel closed while this Send could still be undone, so it was not sent. Send it now, edit it or delete it.
outbox-scheduled = Scheduled for { $when }
outbox-send-now = Send now
outbox-queued = waiting
outbox-sending = sending
outbox-sent = sent
outbox-failed = failed
outbox-state = State
outbox-attempts = Attempts
outbox-queue-id = queue id { $id }
outbox-retry = Send again now
outbox-edit = Edit
outbox-delete = Delete
delivery-title = Delivery
delivery-queued = waiting to be sent
delivery-submitted = accepted by the server
delivery-delayed = delayed, still being tried
delivery-relayed = passed on
delivery-failed = not delivered
delivery-delivered = delivered
delivery-displayed = read
delivery-show-timeline = Show history
delivery-hide-timeline = Hide history
delivery-resend = Edit and resend
delivery-failed-bar = “{ $subject }” was not delivered to { $recipient }: { $reason }
delivery-failed-notify = Not delivered to { $recipient }
receipt-asked = The sender asks to be told when you read this message (a receipt to { $address }).
receipt-send = Send receipt
receipt-ignore = Ignore
status-outbox = Outbox: { $waiting } waiting, { $failed } failed
mailto-busy = A message is already being written; finish or close it first.
notify-one = New mail from { $from }
notify-many = { $count ->
    [one] One new message
   *[other] { $count } new messages
}
tool-move = Move to…
status-eta = about { $seconds } s left
setup-discover = Find my settings
setup-need-email = Type your email address first.
setup-insecure = These settings send your password without encryption; change them if your provider offers TLS.
setup-source = { $source ->
    [provider] Found in your provider's own configuration file, read over HTTPS
    [ispdb] Found in the database of mail providers, read over HTTPS
    [provider-http] Found in a configuration file read over plain HTTP, which is not authenticated
    [ispdb-http] Found in a database of mail providers read over plain HTTP, which is not authenticated
    [srv] Found in the domain's DNS service records (SRV), which are not authenticated
    [mx] Found through the domain's mail exchanger (MX) in the database of mail providers; the MX record is not authenticated
   *[guess] Guessed from the domain and confirmed by connecting
} ({ $origin }).
setup-approve-intro = Postel has not logged in yet: these servers lie outside { $domain }, and nothing vouches for the settings that name them. Use them only if they are your provider's.
setup-approve-host = { $server }: { $host }
setup-approve = Use these servers
setup-edit-title = Change account
setup-quick-intro = Your name, email address and password: Postel finds the rest.
setup-continue = Continue
setup-manual = Configure manually
setup-looking = Looking for the settings of { $email }…
setup-found-title = Found your settings
setup-back = Back
setup-done = Done
setup-security-none = None (unencrypted)
settings-title = Preferences
prefs-accounts = Accounts and identities
prefs-appearance = Appearance
prefs-theme = Colours
prefs-theme-system = As the desktop
prefs-theme-light = Light
prefs-theme-dark = Dark
prefs-density = Message list
prefs-density-comfortable = Comfortable: picture and a line of text
prefs-density-compact = Compact: two lines
prefs-reading = Reading
prefs-plain-text = Show the plain text of messages that also have HTML
prefs-mark-read = Mark a message as read when it is opened
prefs-notifications = Notifications
prefs-notify = Notify me when new mail arrives
settings-edit = Edit
settings-remove = Remove
settings-remove-confirm = Remove { $name }? Its settings, stored passwords and the mail kept on this computer go; the mail on the server stays.
settings-remove-yes = Remove
tool-settings = Preferences
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec
weekday-1 = Mon
weekday-2 = Tue
weekday-3 = Wed
weekday-4 = Thu
weekday-5 = Fri
weekday-6 = Sat
weekday-7 = Sun
date-yesterday = Yesterday
date-this-year = { $day } { $monthname }
date-other-year = { $day } { $monthname } { $year }
date-long = { $weekday }, { $day } { $monthname } { $year }, { $time } { $zone }

## Errors, as the engine's errors say them (postel_core::explain). Arguments
## named reason or reply are a server's or a library's own words.
error-host-not-found = The server "{ $host }" could not be found. Check the host name and your internet connection.
error-refused = { $host } refused the connection on port { $port }. Check the port number and the security setting.
error-timed-out = { $host }:{ $port } did not answer within { $seconds } seconds while { $step }. Check the host, the port and your network.
error-unreachable = { $host }:{ $port } could not be reached: { $reason }.
error-certificate-untrusted = The certificate of { $host } is not trusted ({ $reason }). Its SHA-256 fingerprint is { $fingerprint }. If you are sure this is your server, trust this certificate in the account's settings; otherwise do not connect.
error-tls = The secure connection to { $host } failed: { $reason }. Check the security setting (TLS or STARTTLS) and the port.
error-starttls-not-offered = { $host }:{ $port } does not offer STARTTLS, so Postel closed the connection before sending any password. Choose TLS and the server's TLS port, or ask your provider.
error-auth-failed = { $host } refused the user name or password: { $reply }. Check them and try again.
error-token-refused = { $host } did not accept the account's sign-in ({ $reply }). Sign in again in the account's settings.
error-login-delay = { $host } allows a new login only every { $seconds } seconds ({ $reply }); Postel fetches mail again after that.
error-try-later = { $host } cannot open your mailbox just now ({ $reply }). Postel tries again later; if this goes on, close other mail programs that use this account.
error-mailbox-unavailable = { $host } cannot open your mailbox ({ $reply }). Ask your provider.
error-no-auth-mechanism = { $host } offers none of the sign-in methods Postel can use here ({ $reason }). Set the authentication to automatic, or ask your provider.
error-protocol = { $host } did not answer like a { $protocol } server ({ $reason }). Check that the port belongs to { $protocol }.
error-dropped = The connection to { $host } was closed unexpectedly ({ $reason }). Try again in a moment.
error-hostile = Postel stopped reading from { $host }: { $reason }. Nothing was lost; if this happens again, tell your provider.
error-no-keyring = No system keyring is available ({ $reason }). Start a keyring service such as GNOME Keyring or KWallet, or give this account a password command.
error-keyring-locked = The system keyring is locked ({ $reason }). Unlock it (log in to your desktop session or open your keyring manager) and try again, or give this account a password command.
error-password-missing = No password is stored for { $key } in the system keyring. Enter it again in the account settings.
error-schedule-unreadable = "{ $text }" is not a time Postel can read; write it like 2026-12-24 08:00, or 08:00 for the next time the clock shows it.
error-schedule-past = { $when } has already passed; choose a later time.
error-schedule-too-far = { $when } is more than a year ahead; choose an earlier time.
error-oauth-unreachable = The sign-in server { $server } could not be reached: { $reason }.
error-oauth-failed = Signing in with { $server } failed: { $reason }.
error-oauth-not-found = Postel could not find how { $host } signs in with OAuth2. Set the sign-in server (its issuer address) in the account's settings, or with `postel account edit { $account } --oauth-issuer URL`.
error-oauth-no-client-id = The sign-in server { $issuer } does not let Postel register itself, and no client ID is set for it. Set the client ID your provider gave you in the account's settings, or with `postel account edit { $account } --oauth-client-id ID`.
error-oauth-sign-in-again = The sign-in of { $account } is no longer valid ({ $reason }). Sign in again: press Sign in, or run `postel account login { $account }`.
error-oauth-timed-out = The sign-in in the browser was not finished within { $minutes } minutes. Try again.
error-oauth-refused = The browser's answer was refused: { $reason }. Try signing in again.
error-keyring = The system keyring failed: { $reason }.
error-password-command = The password command "{ $program }" could not be run: { $reason }.
error-password-command-empty = The password command "{ $program }" printed no password.
error-certificate-file = The certificate file { $path } could not be read: { $reason }.
error-no-certificate = The certificate file { $path } holds no PEM certificate.
error-bad-trusted = A trusted certificate in the account settings is unusable: { $reason }.
error-tls-setup = TLS could not be set up: { $reason }.
error-folder-private = The folder { $path } could not be made private to you: { $reason }.
error-folder-not-a-folder = Postel needs a folder at { $path }, but something else is there; move it elsewhere and try again.
error-folder-not-ours = The folder { $path } belongs to another user, so Postel keeps nothing there; remove it or choose another folder.
error-store-open = The mail store { $path } could not be opened: { $reason }. Check that the disk is not full and the file is not used by another program.
error-store-too-new = The mail store was written by a newer Postel (schema { $found }, this one knows { $known }); update Postel.
error-store-private = The mail store { $path } could not be made private to you: { $reason }.
error-store = The mail store failed: { $reason }.
error-no-such-message = There is no message { $id } in the store.
error-queue = The message could not be put in the outbox: { $reason }.
error-no-such-folder = There is no folder "{ $folder }" in the store.
error-internal = Postel could not finish ({ $reason }). Try again; if it happens again, please report it.
error-server-refused = The server refused a request: { $reply }
error-too-large = This message is { $size } MB, more than the { $limit } MB Postel downloads. Read it in your provider's web mail.
step-looking-up = looking up the host name
step-connecting = connecting
step-setting-up-tls = setting up TLS
step-waiting-for-greeting = waiting for the greeting
step-asking-for-starttls = asking for STARTTLS
step-negotiating-starttls = negotiating STARTTLS
step-greeting = greeting the server
step-logging-in = logging in
step-waiting-for-pop3 = waiting for the POP3 server
step-talking-to-smtp = talking to the SMTP server
error-duplicate-account = An account named "{ $name }" already exists; choose another name.
error-no-such-account = There is no account named "{ $name }" (see `postel account list`).
error-draft = The draft could not be saved: { $reason }.
error-no-such-outbox-item = There is no message { $id } in the outbox that can be changed (see `postel outbox`).
error-silent-greeting = { $host }:{ $port } sent no greeting within { $seconds } seconds. A port that expects TLS from the first byte (such as 993, 995 or 465) stays silent like this: choose TLS as the security setting, or the server's STARTTLS port (143, 110 or 587).
delete-permanently-question = Delete “{ $subject }” permanently? It will not go to Trash and cannot be undone.
delete-permanently = Delete permanently
delete-cancel = Cancel
delete-no-subject = (no subject)
error-bad-address = "{ $address }" is not an email address; check the recipients.
error-no-recipient = The message has no recipient; add one in To, Cc or Bcc.
error-attachment = The attachment { $path } could not be read: { $reason }.
error-build = The message could not be built: { $reason }.
error-settings-read = the settings file { $path } could not be read: { $reason }
error-settings-write = the settings could not be saved to { $path }: { $reason }; your previous settings are unchanged
error-settings-move-aside = the unreadable settings file { $path } could not be moved aside: { $reason }
error-settings-toml = the settings could not be written as TOML: { $reason }
error-settings-invalid = { $problems }
error-account-name-empty = The account name is empty.
error-account-name-spaces = The account name may not start or end with spaces or hold control characters.
error-email-empty = The email address is empty.
error-not-an-email = "{ $text }" is not an email address (like name@example.com).
error-host-empty = the host name is empty.
error-not-a-host = "{ $text }" is not a host name (like mail.example.com).
error-server-problem = The { $which } server: { $problem }
error-port-range = The { $which } server's port must be between 1 and 65535.
error-bad-fingerprint = The { $which } server's pinned fingerprint "{ $fingerprint }" is not a SHA-256 fingerprint (64 hex digits).
error-incoming-no-login = The incoming server needs a login; choose automatic, plain or login authentication.
error-give-up-days = "Give up sending after" must be at least one day.
error-username-empty = The user name for the incoming server is empty.
error-command-empty = The password command is empty.
error-delete-after-days = "Delete from server after" must be at least one day; leave it unset to keep mail on the server.
error-folder-name = "{ $name }" is not a folder name one can choose.
error-oauth-issuer = The sign-in server "{ $issuer }" must be an HTTPS address (like https://login.example.com).
error-not-a-message = this is not an email message: no header fields were found (the data may be empty or in another format)
error-discovery-not-found = Postel could not find settings for { $domain }; enter them by hand.
error-discovery-setup = Automatic setup could not start: { $reason }.
error-confirm-unencrypted = { $host }:{ $port } offers no encryption, so Postel did not send your password to it. Choose a secure server, or allow an unencrypted connection for this account.
error-confirm-not-approved = { $host } was named by settings that are not authenticated and lies outside your address's domain, so Postel did not send your password to it. Check that it is your provider's server, then approve it.
error-confirm-browser-sign-in = { $host } signs in in the browser (OAuth2), not with a password, so Postel did not send it one. Sign in to finish.
# $which is "incoming" or "outgoing".
confirm-no-login = The { $which } server { $host }:{ $port } accepted the connection (it needs no login).
confirm-accepted = The { $which } server { $host }:{ $port } accepted the password for { $user }.
confirm-failed = The { $which } server: { $problem }
compose-markdown = Formatted (Markdown)
compose-read-receipt = Ask for a read receipt
compose-delivery-report = Ask for a delivery report
compose-link-text = link text
compose-bold = Bold
compose-italic = Italic
compose-link = Link
compose-list = List
compose-quote = Quote
compose-preview = Preview
compose-preview-hide = Hide preview
prefs-text-size = Text size
prefs-text-small = Small
prefs-text-normal = Normal
prefs-text-large = Large
prefs-text-larger = Larger
prefs-undo-send = Undo send for
prefs-undo-send-off = Off (send at once)
prefs-undo-send-seconds = { $seconds } seconds
prefs-mark-read-after = Wait before marking read
prefs-mark-read-at-once = At once
prefs-mark-read-seconds = { $seconds ->
    [one] After one second
   *[other] After { $seconds } seconds
}
prefs-remote = Remote content
prefs-remote-ask = Hold back and ask (recommended)
prefs-remote-never = Hold back without asking
prefs-remote-always = Always load (senders learn when you read)
prefs-receipts = Read receipts
prefs-receipts-ask = Ask me each time
prefs-receipts-never = Never send one
prefs-hide-reports = Leave delivery reports and read receipts out of All Inboxes
prefs-trusted = Senders whose remote content always loads
prefs-trusted-none = None yet: choose "Always load from…" above a message.
prefs-trusted-remove = Forget
prefs-composing = Composing
prefs-format = New messages
prefs-format-plain = Plain text
prefs-format-markdown = Formatted (Markdown, sent with HTML)
prefs-reply = Replies start
prefs-reply-below = Below the quote
prefs-reply-above = Above the quote
prefs-notify-account = New mail in { $account }
setup-choose-title = How to receive mail
setup-choose-imap = IMAP: mail stays on the server, the same on every device (recommended)
setup-choose-pop3 = POP3: mail is downloaded to this computer
title-new-message = New message
keys-quit = Quit
prefs-conversation = Show the whole conversation around a message
conversation-count = { $count ->
    [one] One more message in this conversation
   *[other] { $count } more messages in this conversation
}

## OAuth2 sign-in
sign-in-button = Sign in
sign-in-waiting = Waiting for the sign-in in your browser…
setup-login = Log in with
setup-login-password = Password
setup-login-oauth = Browser sign-in (OAuth2)
setup-sign-in = Sign in in the browser
setup-signed-in = Signed in with { $issuer }. Save to keep the account.
