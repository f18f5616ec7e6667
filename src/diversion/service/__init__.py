"""The service layer: what a front end asks of a home (screen, re-screen), done once for the
CLI, the API and the web, which only read their input and format the answer.

It sits above `screening` and `cases` and below `api`, `web` and `cli`.
"""
