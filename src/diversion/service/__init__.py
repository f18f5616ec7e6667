"""The service layer: what a front end asks of a home, done once for the CLI, the API and the
web, which only read their input and format the answer: screening and re-screening
(`screening.py`), searching the lists by name (`matching.py`), trade flows (`flows.py`).

It sits above `screening`, `cases` and `flows`, and below `web`, `api` and `cli`.
"""
