"""FIU analytics: received reports, linking across reports, patterns, feedback, dissemination, publication."""
