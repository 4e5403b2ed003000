app-name = Postel
welcome-tagline = Ihre E-Mail, auf Ihrem Desktop.
