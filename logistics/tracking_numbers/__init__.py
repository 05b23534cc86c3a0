"""Tracking numbers: carrier detection with check digits, and extraction from free text.

``detect_number(raw, country_hint="")`` lists every carrier a number may belong to, ranked;
``find_in_text(text)`` finds tracking numbers in a customer's message (it is the
``NLP_TRACKING_DETECTOR`` triage uses). Formats and their sources: ``formats.py``.
"""

from logistics.tracking_numbers.detect import Candidate, detect_number, is_valid, normalise
from logistics.tracking_numbers.formats import FORMATS, TrackingFormat
from logistics.tracking_numbers.text import find_in_text

__all__ = ["FORMATS", "Candidate", "TrackingFormat", "detect_number", "find_in_text", "is_valid", "normalise"]
