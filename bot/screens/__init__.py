"""What more than one flow shows: the words and buttons of a screen, built from plain data."""
