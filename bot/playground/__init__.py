"""The offline playground: a stand-in Telegram Bot API, scripted users, and a terminal chat.

`server` owns the fake Bot API (HTTP on loopback, faults on demand), `users` the person's side
of a chat, and `terminal` the interactive chat a person drives from a shell.
"""
