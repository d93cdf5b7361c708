"""The red-flag screen (R6): messages that describe warning signs never reach the model.

Pure and deliberately simple: word patterns, checked before anything else. A match gets
Limber's own fixed answer, the same every time.
"""
import re

RED_FLAGS = {
    "chest pain": r"\bchest\b.{0,30}\b(pain|pressure|tight|tightness|hurts?|ache|aching)\b|\b(pain|pressure|tightness)\b.{0,20}\bchest\b",
    "fainting": r"\b(faint(ed|ing)?|pass(ed|ing)? out|black(ed)? out|blackout|lost consciousness|collaps(e|ed|ing))\b",
    "dizziness": r"\b(dizzy|dizziness|light[- ]?headed|vertigo|room (is )?spinning)\b",
    "numbness": r"\b(numb|numbness|tingl(e|es|ing)|pins and needles|can'?t feel (my|the))\b",
    "sharp or radiating pain": r"\b(sharp|stabbing|shooting|radiating|electric)\b.{0,20}\bpain\b|\bpain\b.{0,25}\b(radiat\w*|shoot\w*|down (my|the) (arm|leg|back))",
    "breathlessness": r"\b(can'?t|cannot|couldn'?t) (catch (my|a) )?breath(e)?\b|\bshort(ness)? of breath\b|\bstruggling to breathe\b",
    "heart symptoms": r"\b(heart (is )?(racing|pounding|skipping)|palpitations|irregular heartbeat)\b",
    "pregnancy warning signs": r"\bpregnan\w*\b.{0,60}\b(bleed\w*|pain|contractions?|fluid|leak\w*|cramp\w*|dizz\w*)\b|\b(bleed\w*|contractions?|fluid)\b.{0,60}\bpregnan\w*\b|\bvaginal bleeding\b",
    "a head injury": r"\b(hit|banged|bumped) my head\b|\bconcussion\b",
}
_PATTERNS = {name: re.compile(pattern, re.IGNORECASE | re.DOTALL) for name, pattern in RED_FLAGS.items()}

SAFETY_ANSWER = (
    "Please stop exercising now. What you describe can be a warning sign, and it needs a person, "
    "not an app. If you have chest pain or pressure, fainted, feel numb or weak on one side, or "
    "can't catch your breath, call your emergency number now (112 in Europe, 911 in North America, "
    "999 in the UK). Otherwise, rest somewhere safe and contact a doctor or midwife today before "
    "your next session. Limber's coach can't assess symptoms, so this message was not sent to the AI."
)


def screen(text):
    """The name of the first red flag found in ``text``, or None."""
    for name, pattern in _PATTERNS.items():
        if pattern.search(text or ""):
            return name
    return None
