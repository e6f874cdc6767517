"""The Telegram edge: handlers, keyboards, the message catalogue, the notifier that implements
the scheduler's port, the runners, the command line and the playground."""
