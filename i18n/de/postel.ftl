app-name = Postel
welcome-tagline = Ihre E-Mail, auf Ihrem Desktop.
welcome-add-account = Konto hinzufügen

list-to = An: { $names }
list-empty = Hier sind keine Nachrichten.
no-subject = (kein Betreff)
list-group-by-thread = Nach Unterhaltung gruppieren
list-count = { $count ->
    [one] { $count } Nachricht
   *[other] { $count } Nachrichten
}
unified-inbox = Alle Posteingänge
folder-inbox = Posteingang
folder-sent = Gesendet
folder-drafts = Entwürfe
folder-trash = Papierkorb
folder-junk = Spam
folder-archive = Archiv
folder-made = { $account } hatte keinen Ordner für { $role }: Postel hat den Ordner „{ $folder }“ angelegt und verwendet ihn ab jetzt.

tool-compose = Verfassen
tool-reply = Antworten
tool-reply-all = Allen antworten
tool-forward = Weiterleiten
tool-delete = Löschen
tool-mark-read = Als gelesen markieren
tool-mark-unread = Als ungelesen markieren
tool-archive = Archivieren
tool-junk = Spam
tool-flag = Markieren
tool-refresh = Abrufen
search-placeholder = Alle Nachrichten durchsuchen
search-clear = Suche leeren
search-nothing = Nichts passt zu „{ $query }“.
toast-deleted = In den Papierkorb verschoben.
toast-moved = Nach { $folder } verschoben.
toast-undo = Rückgängig
toast-moved-many = { $count ->
    [one] Eine Nachricht verschoben.
   *[other] { $count } Nachrichten verschoben.
}
toast-marked-read = { $count ->
    [one] Eine Nachricht als gelesen markiert.
   *[other] { $count } Nachrichten als gelesen markiert.
}
menu-unflag = Markierung entfernen
menu-mark-all-read = Alle als gelesen markieren
menu-get-messages = Nachrichten abrufen
drag-messages = { $count ->
    [one] Eine Nachricht
   *[other] { $count } Nachrichten
}
keys-title = Tastenkürzel
keys-next = Nächste Nachricht
keys-previous = Vorherige Nachricht
keys-search = Suchen
keys-send = Senden (beim Verfassen)
keys-overview = Diese Übersicht
keys-pick-all = Alle Nachrichten der Liste auswählen
keys-pick = Mehrere Nachrichten auswählen
list-picked = { $count } ausgewählt: die Werkzeugleiste wirkt auf alle
keys-toggle-read = Als gelesen oder ungelesen markieren
search-results = { $count ->
    [one] { $count } Treffer
   *[other] { $count } Treffer
}

reader-empty = Wählen Sie eine Nachricht aus, um sie zu lesen.
reader-loading = Die Nachricht wird geladen…
reader-failed = Die Nachricht kann nicht angezeigt werden: { $reason }
reader-html-as-text = Diese Nachricht ist HTML; sie wird als Text angezeigt.
reader-remote-blocked = Externe Inhalte dieser Nachricht wurden nicht geladen.
reader-remote-blocked-count = { $count ->
    [one] Externe Inhalte zum Schutz Ihrer Privatsphäre blockiert (1 Element).
   *[other] Externe Inhalte zum Schutz Ihrer Privatsphäre blockiert ({ $count } Elemente).
}
reader-load-remote = Externe Inhalte laden
reader-always-load = Immer für { $sender }
reader-page-cut = Diese Nachricht ist zu lang, um sie ganz als Seite zu zeigen; „Als reinen Text anzeigen“ zeigt sie vollständig.
reader-open-link = { $url } im Browser öffnen?
reader-open = Öffnen
reader-cancel = Abbrechen
reader-laying-out = Das HTML wird gesetzt… (bis dahin wird der Text angezeigt)
reader-html-failed = { $reason }
reader-show-text = Als reinen Text anzeigen
reader-show-html = Als HTML anzeigen
reader-copied = In die Zwischenablage kopiert.
reader-me = mich
reader-to = an { $names }
reader-to-more = an { $names }, +{ $more }
reader-to-nobody = an verborgene Empfänger
header-to = An
header-cc = Kopie
attachment-unnamed = Anhang ohne Namen
attachment-save = Speichern
attachment-open = Öffnen
attachment-saved = Gespeichert unter { $path }
attachment-opened = Eine vorübergehende Kopie wurde geöffnet; sie wird beim Beenden von Postel gelöscht: { $path }
attachment-not-opened = Gespeichert unter { $path } und nicht geöffnet, weil das Öffnen ein Programm starten könnte.
attachment-no-folder = Es gibt keinen Download- oder Home-Ordner zum Speichern.
attachment-save-failed = { $path } konnte nicht geschrieben werden: { $reason }
attachment-open-failed = Der Anhang konnte nicht geöffnet werden: { $reason }
link-open-failed = Der Link konnte nicht geöffnet werden (ist ein Webbrowser installiert?): { $reason }

compose-from = Von
compose-to = An
compose-cc = Kopie
compose-bcc = Blindkopie
compose-subject = Betreff
compose-body-placeholder = Schreiben Sie hier Ihre Nachricht.
compose-attach-placeholder = Pfad einer Datei zum Anhängen (oder Dateien auf das Fenster ziehen)
compose-attach = Anhängen
compose-attach-browse = Anhängen …
compose-attach-title = Dateien anhängen
compose-no-file-chooser = Auf diesem Desktop steht keine Dateiauswahl zur Verfügung; ziehen Sie Dateien auf das Fenster oder geben Sie den Pfad einer Datei neben „Anhängen“ ein.
compose-send-later = Später senden …
compose-send-later-when = Senden
compose-later-tomorrow = Morgen früh ({ $when })
compose-later-monday = Montag früh ({ $when })
compose-later-placeholder = 2026-12-24 08:00
compose-later-schedule = Zu dieser Zeit
status-held = { $count ->
    [one] Postel wurde geschlossen, während sich ein Senden noch rückgängig machen ließ: Diese Nachricht wurde nicht gesendet. Sie wartet im Postausgang als zurückgehalten.
   *[other] Postel wurde geschlossen, während sich { $count } Sendungen noch rückgängig machen ließen: Sie wurden nicht gesendet. Sie warten im Postausgang als zurückgehalten.
}
status-scheduled = Geplant für { $when }: Sie wartet im Postausgang.
toast-sending = Wird in { $seconds } s gesendet …
toast-send-undone-late = Zu spät zum Rückgängigmachen: die Nachricht ist hinaus.
compose-send = Senden
compose-close = Schließen
compose-unsaved = Diese Nachricht wurde nicht gesendet. Verwerfen?
compose-discard = Verwerfen
compose-keep-editing = Weiter bearbeiten
compose-bad-address = Keine E-Mail-Adresse: { $address }
compose-no-account = Wählen Sie das Konto, von dem gesendet wird.
compose-no-recipient = Fügen Sie mindestens einen Empfänger hinzu.
compose-not-a-file = { $path } ist keine Datei.
compose-cannot-attach = { $path } kann nicht angehängt werden: { $reason }

setup-title = Konto hinzufügen
setup-intro = Ihre E-Mail-Adresse, Ihr Passwort und wo Ihre E-Mails liegen. Postel schlägt die Server vor; prüfen Sie sie anhand der Angaben Ihres Anbieters.
setup-email = E-Mail-Adresse
setup-display-name = Ihr Name
setup-password = Passwort
setup-name = Kontoname
setup-incoming = Posteingang
setup-outgoing = Postausgang (SMTP)
setup-protocol = Protokoll
setup-security = Sicherheit
setup-host = Server
setup-port = Port
setup-username = Benutzername
setup-test = Verbindung testen
setup-save = Speichern
setup-cancel = Abbrechen
setup-test-ok = verbunden und angemeldet.
setup-trust = Diesem Zertifikat vertrauen ({ $fingerprint })
setup-bad-port = Der Port des Servers für { $server } muss eine Zahl von 1 bis 65535 sein.
setup-offline-days = Offline (Tage)
setup-offline-hint = Ganze Nachrichten so vieler letzter Tage werden bei jedem Abgleich geladen, um sie ohne Verbindung zu lesen. Leer: jede Nachricht wird beim Öffnen geladen.
setup-folders = Ordner
setup-folders-hint = Welcher Ordner gesendete Nachrichten, Entwürfe, gelöschte Nachrichten, Spam und archivierte Nachrichten enthält. Automatisch: der Ordner, den der Server so kennzeichnet, sonst der, dessen Name es sagt.
setup-folder-automatic = Automatisch
setup-folder-sent = Gesendet
setup-folder-drafts = Entwürfe
setup-folder-trash = Papierkorb
setup-folder-junk = Spam
setup-folder-archive = Archiv
setup-bad-offline-days = Die Offline-Tage müssen eine ganze Zahl sein oder leer bleiben.

status-idle = Bereit.
status-syncing = E-Mails werden abgerufen…
status-progress = { $account }: { $folder }: { $stage ->
    [bodies] Nachrichten werden für die Offline-Nutzung geladen, { $done } von { $total }
   *[headers] { $done } von { $total }
}
status-sent = Gesendet.
status-send-failed = Nicht gesendet: { $reason }. Die Nachricht bleibt als fehlgeschlagen im Postausgang.
status-queued = Noch nicht gesendet: { $reason }. Die Nachricht bleibt im Postausgang und wird erneut versucht.
status-action-queued = Hier gespeichert; der Server war nicht erreichbar ({ $reason }), daher wird es beim nächsten Abruf übertragen.
compose-save-draft = Entwurf speichern
status-draft-failed = Der Entwurf konnte nicht gespeichert werden: { $reason }
outbox = Postausgang
outbox-empty = Der Postausgang ist leer.
outbox-pick = Wählen Sie eine Nachricht, um zu sehen, was aus ihr wurde.
outbox-held = Zurückgehalten
outbox-held-why = Postel wurde geschlossen, während sich dieses Senden noch rückgängig machen ließ; daher wurde sie nicht gesendet. Jetzt senden, bearbeiten oder löschen.
outbox-scheduled = Geplant für { $when }
outbox-send-now = Jetzt senden
outbox-queued = wartet
outbox-sending = wird gesendet
outbox-sent = gesendet
outbox-failed = fehlgeschlagen
outbox-state = Zustand
outbox-attempts = Versuche
outbox-queue-id = Warteschlangen-ID { $id }
outbox-retry = Jetzt erneut senden
outbox-edit = Bearbeiten
outbox-delete = Löschen
delivery-title = Zustellung
delivery-queued = wartet auf den Versand
delivery-submitted = vom Server angenommen
delivery-delayed = verzögert, wird weiter versucht
delivery-relayed = weitergereicht
delivery-failed = nicht zugestellt
delivery-delivered = zugestellt
delivery-displayed = gelesen
delivery-show-timeline = Verlauf zeigen
delivery-hide-timeline = Verlauf ausblenden
delivery-resend = Bearbeiten und erneut senden
delivery-failed-bar = „{ $subject }“ wurde nicht an { $recipient } zugestellt: { $reason }
delivery-failed-notify = Nicht zugestellt an { $recipient }
receipt-asked = Der Absender möchte erfahren, wann Sie diese Nachricht lesen (Bestätigung an { $address }).
receipt-send = Bestätigung senden
receipt-ignore = Ignorieren
status-outbox = Postausgang: { $waiting } wartend, { $failed } fehlgeschlagen
mailto-busy = Es wird bereits eine Nachricht verfasst; schließen Sie sie zuerst ab.
notify-one = Neue E-Mail von { $from }
notify-many = { $count ->
    [one] Eine neue Nachricht
   *[other] { $count } neue Nachrichten
}
tool-move = Verschieben nach…
status-eta = noch etwa { $seconds } s
setup-discover = Einstellungen suchen
setup-need-email = Geben Sie zuerst Ihre E-Mail-Adresse ein.
setup-insecure = Diese Einstellungen senden Ihr Passwort unverschlüsselt; ändern Sie sie, wenn Ihr Anbieter TLS anbietet.
setup-source = { $source ->
    [provider] Gefunden in der Konfigurationsdatei Ihres Anbieters, über HTTPS gelesen
    [ispdb] Gefunden in der Datenbank der E-Mail-Anbieter, über HTTPS gelesen
    [provider-http] Gefunden in einer Konfigurationsdatei, die über unverschlüsseltes HTTP gelesen wurde und nicht authentifiziert ist
    [ispdb-http] Gefunden in einer Datenbank von E-Mail-Anbietern, die über unverschlüsseltes HTTP gelesen wurde und nicht authentifiziert ist
    [srv] Gefunden in den DNS-Diensteinträgen (SRV) der Domain, die nicht authentifiziert sind
    [mx] Gefunden über den Mailserver (MX) der Domain in der Datenbank der E-Mail-Anbieter; der MX-Eintrag ist nicht authentifiziert
   *[guess] Aus der Domain erraten und durch Verbinden bestätigt
} ({ $origin }).
setup-approve-intro = Postel hat sich noch nicht angemeldet: Diese Server liegen außerhalb von { $domain }, und nichts bürgt für die Einstellungen, die sie nennen. Verwenden Sie sie nur, wenn sie zu Ihrem Anbieter gehören.
setup-approve-host = { $server }: { $host }
setup-approve = Diese Server verwenden
setup-edit-title = Konto ändern
setup-quick-intro = Ihr Name, Ihre E-Mail-Adresse und Ihr Passwort: Postel findet den Rest.
setup-continue = Weiter
setup-manual = Manuell einrichten
setup-looking = Suche die Einstellungen für { $email }…
setup-found-title = Einstellungen gefunden
setup-back = Zurück
setup-done = Fertig
setup-security-none = Keine (unverschlüsselt)
settings-title = Einstellungen
prefs-accounts = Konten und Identitäten
prefs-appearance = Darstellung
prefs-theme = Farben
prefs-theme-system = Wie der Desktop
prefs-theme-light = Hell
prefs-theme-dark = Dunkel
prefs-density = Nachrichtenliste
prefs-density-comfortable = Bequem: Bild und eine Zeile Text
prefs-density-compact = Kompakt: zwei Zeilen
prefs-reading = Lesen
prefs-plain-text = Bei Nachrichten mit HTML den reinen Text zeigen
prefs-mark-read = Nachrichten beim Öffnen als gelesen markieren
prefs-notifications = Benachrichtigungen
prefs-notify = Bei neuer E-Mail benachrichtigen
settings-edit = Bearbeiten
settings-remove = Entfernen
settings-remove-confirm = { $name } entfernen? Die Einstellungen, gespeicherten Passwörter und die auf diesem Computer gespeicherten E-Mails werden gelöscht; die E-Mails auf dem Server bleiben.
settings-remove-yes = Entfernen
tool-settings = Einstellungen
month-1 = Jan.
month-2 = Feb.
month-3 = März
month-4 = Apr.
month-5 = Mai
month-6 = Juni
month-7 = Juli
month-8 = Aug.
month-9 = Sept.
month-10 = Okt.
month-11 = Nov.
month-12 = Dez.
weekday-1 = Mo.
weekday-2 = Di.
weekday-3 = Mi.
weekday-4 = Do.
weekday-5 = Fr.
weekday-6 = Sa.
weekday-7 = So.
date-yesterday = Gestern
date-this-year = { $day }. { $monthname }
date-other-year = { $day }. { $monthname } { $year }
date-long = { $weekday }, { $day }. { $monthname } { $year }, { $time } Uhr ({ $zone })

## Fehler, wie die Fehler der Engine sie sagen (postel_core::explain).
## Argumente namens reason oder reply sind Worte eines Servers oder einer
## Bibliothek.
error-host-not-found = Der Server „{ $host }“ wurde nicht gefunden. Prüfen Sie den Servernamen und Ihre Internetverbindung.
error-refused = { $host } hat die Verbindung auf Port { $port } abgelehnt. Prüfen Sie die Portnummer und die Sicherheitseinstellung.
error-timed-out = { $host }:{ $port } hat beim Schritt „{ $step }“ { $seconds } Sekunden lang nicht geantwortet. Prüfen Sie Server, Port und Netzwerk.
error-unreachable = { $host }:{ $port } ist nicht erreichbar: { $reason }.
error-certificate-untrusted = Dem Zertifikat von { $host } wird nicht vertraut ({ $reason }). Sein SHA-256-Fingerabdruck ist { $fingerprint }. Wenn Sie sicher sind, dass dies Ihr Server ist, vertrauen Sie dem Zertifikat in den Kontoeinstellungen; sonst verbinden Sie sich nicht.
error-tls = Die sichere Verbindung zu { $host } ist gescheitert: { $reason }. Prüfen Sie die Sicherheitseinstellung (TLS oder STARTTLS) und den Port.
error-starttls-not-offered = { $host }:{ $port } bietet kein STARTTLS an; Postel hat die Verbindung geschlossen, bevor ein Passwort gesendet wurde. Wählen Sie TLS und den TLS-Port des Servers, oder fragen Sie Ihren Anbieter.
error-auth-failed = { $host } hat Benutzername oder Passwort abgelehnt: { $reply }. Prüfen Sie beides und versuchen Sie es erneut.
error-token-refused = { $host } hat die Anmeldung des Kontos nicht angenommen ({ $reply }). Melden Sie sich in den Kontoeinstellungen erneut an.
error-login-delay = { $host } erlaubt eine neue Anmeldung nur alle { $seconds } Sekunden ({ $reply }); Postel holt die Nachrichten danach wieder ab.
error-try-later = { $host } kann Ihr Postfach gerade nicht öffnen ({ $reply }). Postel versucht es später wieder; wenn das anhält, schließen Sie andere E-Mail-Programme, die dieses Konto verwenden.
error-mailbox-unavailable = { $host } kann Ihr Postfach nicht öffnen ({ $reply }). Wenden Sie sich an Ihren Anbieter.
error-no-auth-mechanism = { $host } bietet keine Anmeldeart an, die Postel hier nutzen kann ({ $reason }). Stellen Sie die Authentifizierung auf automatisch, oder fragen Sie Ihren Anbieter.
error-protocol = { $host } hat nicht wie ein { $protocol }-Server geantwortet ({ $reason }). Prüfen Sie, ob der Port zu { $protocol } gehört.
error-dropped = Die Verbindung zu { $host } wurde unerwartet geschlossen ({ $reason }). Versuchen Sie es gleich noch einmal.
error-hostile = Postel hat aufgehört, von { $host } zu lesen: { $reason }. Nichts ist verloren; wenn es wieder geschieht, sagen Sie es Ihrem Anbieter.
error-no-keyring = Kein Schlüsselbund des Systems ist verfügbar ({ $reason }). Starten Sie einen Schlüsselbund-Dienst wie GNOME Keyring oder KWallet, oder geben Sie diesem Konto einen Passwort-Befehl.
error-keyring-locked = Der Schlüsselbund ist gesperrt ({ $reason }). Entsperren Sie ihn (an der Desktop-Sitzung anmelden oder die Schlüsselbundverwaltung öffnen) und versuchen Sie es erneut, oder geben Sie diesem Konto einen Passwort-Befehl.
error-password-missing = Für { $key } ist kein Passwort im Schlüsselbund gespeichert. Geben Sie es in den Kontoeinstellungen erneut ein.
error-schedule-unreadable = „{ $text }“ ist keine Zeit, die Postel lesen kann; schreiben Sie sie wie 2026-12-24 08:00, oder 08:00 für das nächste Mal, dass die Uhr sie zeigt.
error-schedule-past = { $when } ist schon vorbei; wählen Sie eine spätere Zeit.
error-schedule-too-far = { $when } liegt mehr als ein Jahr voraus; wählen Sie eine frühere Zeit.
error-oauth-unreachable = Der Anmeldeserver { $server } war nicht erreichbar: { $reason }.
error-oauth-failed = Die Anmeldung bei { $server } ist fehlgeschlagen: { $reason }.
error-oauth-not-found = Postel konnte nicht herausfinden, wie sich { $host } mit OAuth2 anmeldet. Legen Sie den Anmeldeserver (seine Issuer-Adresse) in den Kontoeinstellungen fest oder mit `postel account edit { $account } --oauth-issuer URL`.
error-oauth-no-client-id = Der Anmeldeserver { $issuer } lässt Postel sich nicht selbst registrieren, und für ihn ist keine Client-ID eingetragen. Tragen Sie die Client-ID Ihres Anbieters in den Kontoeinstellungen ein oder mit `postel account edit { $account } --oauth-client-id ID`.
error-oauth-sign-in-again = Die Anmeldung von { $account } gilt nicht mehr ({ $reason }). Melden Sie sich erneut an: mit „Anmelden“ oder `postel account login { $account }`.
error-oauth-timed-out = Die Anmeldung im Browser wurde nicht innerhalb von { $minutes } Minuten abgeschlossen. Versuchen Sie es erneut.
error-oauth-refused = Die Antwort des Browsers wurde abgelehnt: { $reason }. Melden Sie sich erneut an.
error-keyring = Der Schlüsselbund ist gescheitert: { $reason }.
error-password-command = Der Passwort-Befehl „{ $program }“ konnte nicht ausgeführt werden: { $reason }.
error-password-command-empty = Der Passwort-Befehl „{ $program }“ hat kein Passwort ausgegeben.
error-certificate-file = Die Zertifikatsdatei { $path } konnte nicht gelesen werden: { $reason }.
error-no-certificate = Die Zertifikatsdatei { $path } enthält kein PEM-Zertifikat.
error-bad-trusted = Ein vertrautes Zertifikat in den Kontoeinstellungen ist unbrauchbar: { $reason }.
error-tls-setup = TLS konnte nicht eingerichtet werden: { $reason }.
error-folder-private = Der Ordner { $path } konnte nicht nur für Sie zugänglich gemacht werden: { $reason }.
error-folder-not-a-folder = Postel braucht einen Ordner unter { $path }, aber dort liegt etwas anderes; verschieben Sie es und versuchen Sie es erneut.
error-folder-not-ours = Der Ordner { $path } gehört einem anderen Benutzer, daher legt Postel dort nichts ab; entfernen Sie ihn oder wählen Sie einen anderen Ordner.
error-store-open = Der Mailspeicher { $path } konnte nicht geöffnet werden: { $reason }. Prüfen Sie, ob die Festplatte voll ist oder ein anderes Programm die Datei benutzt.
error-store-too-new = Der Mailspeicher wurde von einem neueren Postel geschrieben (Schema { $found }, dieses kennt { $known }); aktualisieren Sie Postel.
error-store-private = Der Mailspeicher { $path } konnte nicht nur für Sie zugänglich gemacht werden: { $reason }.
error-store = Der Mailspeicher ist gescheitert: { $reason }.
error-no-such-message = Im Speicher gibt es keine Nachricht { $id }.
error-queue = Die Nachricht konnte nicht in den Postausgang gelegt werden: { $reason }.
error-no-such-folder = Im Speicher gibt es keinen Ordner „{ $folder }“.
error-internal = Postel konnte das nicht abschließen ({ $reason }). Versuchen Sie es erneut; wenn es wieder geschieht, melden Sie es bitte.
error-server-refused = Der Server hat eine Anfrage abgelehnt: { $reply }
error-too-large = Diese Nachricht ist { $size } MB groß, mehr als die { $limit } MB, die Postel herunterlädt. Lesen Sie sie im Webmail Ihres Anbieters.
step-looking-up = Servername nachschlagen
step-connecting = Verbinden
step-setting-up-tls = TLS einrichten
step-waiting-for-greeting = Warten auf die Begrüßung
step-asking-for-starttls = STARTTLS anfragen
step-negotiating-starttls = STARTTLS aushandeln
step-greeting = Begrüßung des Servers
step-logging-in = Anmelden
step-waiting-for-pop3 = Warten auf den POP3-Server
step-talking-to-smtp = Gespräch mit dem SMTP-Server
error-duplicate-account = Ein Konto namens „{ $name }“ gibt es schon; wählen Sie einen anderen Namen.
error-no-such-account = Es gibt kein Konto namens „{ $name }“ (siehe `postel account list`).
error-draft = Der Entwurf konnte nicht gespeichert werden: { $reason }.
error-no-such-outbox-item = Im Postausgang gibt es keine änderbare Nachricht { $id } (siehe `postel outbox`).
error-silent-greeting = { $host }:{ $port } hat { $seconds } Sekunden lang keine Begrüßung gesendet. Ein Port, der TLS ab dem ersten Byte erwartet (etwa 993, 995 oder 465), schweigt so: Wählen Sie TLS als Sicherheitseinstellung oder den STARTTLS-Port des Servers (143, 110 oder 587).
delete-permanently-question = „{ $subject }“ endgültig löschen? Die Nachricht kommt nicht in den Papierkorb, das lässt sich nicht rückgängig machen.
delete-permanently = Endgültig löschen
delete-cancel = Abbrechen
delete-no-subject = (kein Betreff)
error-bad-address = „{ $address }“ ist keine E-Mail-Adresse; prüfen Sie die Empfänger.
error-no-recipient = Die Nachricht hat keinen Empfänger; tragen Sie einen in An, Cc oder Bcc ein.
error-attachment = Der Anhang { $path } konnte nicht gelesen werden: { $reason }.
error-build = Die Nachricht konnte nicht erstellt werden: { $reason }.
error-settings-read = Die Einstellungsdatei { $path } konnte nicht gelesen werden: { $reason }
error-settings-write = Die Einstellungen konnten nicht in { $path } gespeichert werden: { $reason }; Ihre bisherigen Einstellungen sind unverändert
error-settings-move-aside = Die unlesbare Einstellungsdatei { $path } konnte nicht beiseitegelegt werden: { $reason }
error-settings-toml = Die Einstellungen konnten nicht als TOML geschrieben werden: { $reason }
error-settings-invalid = { $problems }
error-account-name-empty = Der Kontoname ist leer.
error-account-name-spaces = Der Kontoname darf nicht mit Leerzeichen beginnen oder enden und keine Steuerzeichen enthalten.
error-email-empty = Die E-Mail-Adresse ist leer.
error-not-an-email = „{ $text }“ ist keine E-Mail-Adresse (wie name@example.com).
error-host-empty = der Servername ist leer.
error-not-a-host = „{ $text }“ ist kein Servername (wie mail.example.com).
# $which ist "incoming" (Posteingang) oder "outgoing" (Postausgang).
error-server-problem = { $which ->
    [incoming] Posteingangsserver
   *[other] Postausgangsserver
 }: { $problem }
error-port-range = Der Port des { $which ->
    [incoming] Posteingangsservers
   *[other] Postausgangsservers
 } muss zwischen 1 und 65535 liegen.
error-bad-fingerprint = Der festgelegte Fingerabdruck „{ $fingerprint }“ des { $which ->
    [incoming] Posteingangsservers
   *[other] Postausgangsservers
 } ist kein SHA-256-Fingerabdruck (64 Hexadezimalziffern).
error-incoming-no-login = Der Posteingangsserver braucht eine Anmeldung; wählen Sie die automatische, PLAIN- oder LOGIN-Authentifizierung.
error-give-up-days = „Senden aufgeben nach“ muss mindestens einen Tag betragen.
error-username-empty = Der Benutzername für den Posteingangsserver ist leer.
error-command-empty = Der Passwortbefehl ist leer.
error-delete-after-days = „Vom Server löschen nach“ muss mindestens einen Tag betragen; lassen Sie es leer, um die Nachrichten auf dem Server zu behalten.
error-folder-name = „{ $name }“ ist kein wählbarer Ordnername.
error-oauth-issuer = Der Anmeldeserver „{ $issuer }“ muss eine HTTPS-Adresse sein (etwa https://login.example.com).
error-not-a-message = Das ist keine E-Mail-Nachricht: Es wurden keine Kopfzeilen gefunden (die Daten sind vielleicht leer oder in einem anderen Format).
error-discovery-not-found = Postel hat keine Einstellungen für { $domain } gefunden; geben Sie sie von Hand ein.
error-discovery-setup = Die automatische Einrichtung konnte nicht starten: { $reason }.
error-confirm-unencrypted = { $host }:{ $port } bietet keine Verschlüsselung, daher hat Postel Ihr Passwort nicht dorthin gesendet. Wählen Sie einen sicheren Server oder erlauben Sie für dieses Konto eine unverschlüsselte Verbindung.
error-confirm-not-approved = { $host } wurde von nicht beglaubigten Einstellungen genannt und liegt außerhalb der Domain Ihrer Adresse, daher hat Postel Ihr Passwort nicht dorthin gesendet. Prüfen Sie, ob es der Server Ihres Anbieters ist, und bestätigen Sie ihn dann.
error-confirm-browser-sign-in = { $host } meldet über den Browser an (OAuth2), nicht mit einem Passwort; Postel hat ihm daher keines geschickt. Melden Sie sich an, um fertig zu werden.
confirm-no-login = Der { $which ->
    [incoming] Posteingangsserver
   *[other] Postausgangsserver
 } { $host }:{ $port } hat die Verbindung angenommen (er braucht keine Anmeldung).
confirm-accepted = Der { $which ->
    [incoming] Posteingangsserver
   *[other] Postausgangsserver
 } { $host }:{ $port } hat das Passwort für { $user } angenommen.
confirm-failed = { $which ->
    [incoming] Posteingangsserver
   *[other] Postausgangsserver
 }: { $problem }
compose-markdown = Formatiert (Markdown)
compose-read-receipt = Lesebestätigung anfordern
compose-delivery-report = Zustellbericht anfordern
compose-link-text = Linktext
compose-bold = Fett
compose-italic = Kursiv
compose-link = Link
compose-list = Liste
compose-quote = Zitat
compose-preview = Vorschau
compose-preview-hide = Vorschau ausblenden
prefs-text-size = Schriftgröße
prefs-text-small = Klein
prefs-text-normal = Normal
prefs-text-large = Groß
prefs-text-larger = Sehr groß
prefs-undo-send = Senden rückgängig machen bis
prefs-undo-send-off = Aus (sofort senden)
prefs-undo-send-seconds = { $seconds } Sekunden
prefs-mark-read-after = Warten vor „gelesen“
prefs-mark-read-at-once = Sofort
prefs-mark-read-seconds = { $seconds ->
    [one] Nach einer Sekunde
   *[other] Nach { $seconds } Sekunden
}
prefs-remote = Externe Inhalte
prefs-remote-ask = Zurückhalten und fragen (empfohlen)
prefs-remote-never = Zurückhalten, ohne zu fragen
prefs-remote-always = Immer laden (Absender erfahren, wann Sie lesen)
prefs-receipts = Lesebestätigungen
prefs-receipts-ask = Jedes Mal fragen
prefs-receipts-never = Nie senden
prefs-hide-reports = Zustellberichte und Lesebestätigungen nicht in „Alle Posteingänge“ zeigen
prefs-trusted = Absender, deren externe Inhalte immer geladen werden
prefs-trusted-none = Noch keine: wählen Sie „Immer laden von …“ über einer Nachricht.
prefs-trusted-remove = Vergessen
prefs-composing = Verfassen
prefs-format = Neue Nachrichten
prefs-format-plain = Reiner Text
prefs-format-markdown = Formatiert (Markdown, mit HTML gesendet)
prefs-reply = Antworten beginnen
prefs-reply-below = Unter dem Zitat
prefs-reply-above = Über dem Zitat
prefs-notify-account = Neue Nachrichten in { $account }
setup-choose-title = Wie E-Mails empfangen werden
setup-choose-imap = IMAP: E-Mails bleiben auf dem Server, auf jedem Gerät gleich (empfohlen)
setup-choose-pop3 = POP3: E-Mails werden auf diesen Computer geladen
title-new-message = Neue Nachricht
keys-quit = Beenden
prefs-conversation = Die ganze Unterhaltung um eine Nachricht zeigen
conversation-count = { $count ->
    [one] Eine weitere Nachricht in dieser Unterhaltung
   *[other] { $count } weitere Nachrichten in dieser Unterhaltung
}

## OAuth2-Anmeldung
sign-in-button = Anmelden
sign-in-waiting = Warte auf die Anmeldung im Browser …
setup-login = Anmelden mit
setup-login-password = Passwort
setup-login-oauth = Anmeldung im Browser (OAuth2)
setup-sign-in = Im Browser anmelden
setup-signed-in = Angemeldet bei { $issuer }. Speichern Sie, um das Konto zu behalten.
