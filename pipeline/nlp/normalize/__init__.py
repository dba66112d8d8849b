"""Pure string → value functions (no spaCy): amounts, TIMEX3 dates."""
