"""OneStop: a one-stop government service centre platform."""
