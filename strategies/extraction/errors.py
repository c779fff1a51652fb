class UnreadableDocument(Exception):
    """The file cannot be read as a strategy document; the message says why and what to do."""
