"""The analysts' web application: server-rendered pages (views/) in English, Russian and Kazakh."""
