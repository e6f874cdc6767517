"""The use cases between the Telegram edge and storage.

Each is one transaction: it loads rows through repositories, calls the pure core for every
decision, saves, and returns what to say as plain data. None knows a Telegram type.
"""
