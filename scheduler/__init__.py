"""When things happen: recurrence in the person's zone, the due-reminder dispatcher, quiet
hours and daily caps. Sends through the `Notifier` port that `bot/` implements."""
