"""calmlink: a calm relaxation proxy from a heart-rate strap. Not a medical device."""

__version__ = "0.1.0"
