app-name = Postel
welcome-tagline = Your mail, on your desktop.
