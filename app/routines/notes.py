"""What a routine tells the person about themselves: what to watch for and when to stop (N9, N11, N16).

Pure: plain data in, a list of sentences out.
"""
from .. import vocabulary as v
from . import rules

CONDITION_WATCH = {
    "knee": "Knee: squats stay shallow and slow, with no kneeling, jumping or twisting under load. Stop if the "
            "knee hurts sharply, swells or gives way.",
    "neck": "Neck: move slowly in a range that doesn't hurt, with no tipping the head back or circling it. Stop if "
            "you feel dizzy or get tingling in your arms.",
    "shoulder": "Shoulder: no weight through the arms overhead, no pass-throughs and no explosive pushing. Keep the "
                "elbow below shoulder height where it pinches; stop if the shoulder catches or feels unstable.",
    "hypertension": "High blood pressure: breathe out on the effort and never hold your breath; no head-down "
                    "positions, all-out efforts or long hard holds. If your blood pressure is 160/100 or higher, "
                    "get your doctor's go-ahead first.",
    "balance": "Balance: hold a chair, wall or counter for anything on one leg; no hops, quick head movements or "
               "walking backwards, and at most one trip down to the floor.",
}
ACTIVITY_FINISH = {
    "cycling": "Then ride easily for 5–10 minutes, with two or three short spin-ups, before you push.",
    "swimming": "In the pool, swim 150–300 m easily with a few drills before your main set.",
    "climbing": "At the wall, start with two or three easy routes or traverses well below your limit.",
    "strength_lower": "Then do two or three ramp-up sets of your first lift, at about 50%, 70% and 85% of your "
                      "working weight.",
    "strength_upper": "Then do two or three ramp-up sets of your first lift, at about 50%, 70% and 85% of your "
                      "working weight.",
}


def person_notes(req, left_out):
    """Notes for this person and request; ``left_out`` counts the exercises that don't suit them."""
    notes = []
    if req.screening_positive:
        notes.append("Gentle mode is on because you answered “yes” to a health question: no high-impact, all-out, "
                     "bouncing, breath-holding, long hard holds or head-down moves. Work easily: you should be able "
                     "to talk the whole time. Please check with your doctor before you start.")
    if req.dizziness:
        notes.append("Because you have felt dizzy or faint, balance precautions apply: hold a support for one-leg "
                     "work, no quick head movements, and go slowly when you get up from the floor.")
    for condition in sorted(req.conditions):
        notes += condition_notes(condition, req)
    if left_out and (req.conditions or req.screening_positive or req.older_adult or req.dizziness):
        notes.append(f"Left out {left_out} exercises that don't suit you today.")
    if req.avoid_regions:
        names = ", ".join(v.region_label(r).lower() for r in sorted(req.avoid_regions))
        notes.append(f"Go easy on your {names}: it hurt last time, so this routine works around it. "
                     "Stop if the pain comes back.")
    if req.feedback == "too_easy":
        notes.append("Last time felt too easy, so the holds and intervals are a little longer.")
    elif req.feedback == "too_hard":
        notes.append("Last time felt too hard, so the intervals are shorter with more rest.")
    notes += kind_notes(req)
    if req.medication:
        notes.append("Stop and eat something sugary if you take medication for diabetes and feel shaky, sweaty, "
                     "confused or suddenly very hungry; check with your doctor before exercising if this happens.")
    notes.append(rules.stop_signs_note())
    return notes


def kind_notes(req):
    notes = []
    if req.kind == "flexibility" and req.minutes < rules.FLEXIBILITY_RAISE_FROM:
        notes.append("A short session with no warming part: do it after a walk or your activity, when you're warm.")
    elif req.kind == "flexibility" and req.minutes < 10:
        notes.append("A short session: the warm-up part is shorter than the usual 3–5 minutes.")
    if req.kind == "warmup" and req.minutes > rules.WARMUP_MAX_MINUTES:
        notes.append(f"A warm-up longer than {rules.WARMUP_MAX_MINUTES} minutes tires you before you start, so this "
                     f"one is {rules.WARMUP_MAX_MINUTES}: spend the other {req.minutes - rules.WARMUP_MAX_MINUTES} "
                     f"minutes on an easy start of your {v.label(req.activity)}.")
    if req.kind == "warmup" and req.activity in ACTIVITY_FINISH:
        notes.append(ACTIVITY_FINISH[req.activity])
    if req.kind == "warmup" and req.activity == "football" and req.minutes >= rules.FOOTBALL_TEMPLATE_MINUTES \
            and req.space != "outdoor":
        notes.append("FIFA 11+, the warm-up proven to prevent football injuries, needs a pitch: choose "
                     "“Outdoors” to get it.")
    if req.kind == "warmup" and req.space != "outdoor" and req.activity in ("running", "football", "basketball",
                                                                             "racket", "hiking"):
        notes.append("Indoors, running drills and strides that need 10 m or more are left out; choose "
                     "“Outdoors” when you have the space.")
    return notes


def condition_notes(condition, req):
    """What to watch for with one condition, after the details the person gave."""
    if condition in v.HIP_PRECAUTIONS:
        return [hip_note(condition, req), "Stop and call your surgeon or physio if you notice: "
                + "; ".join(v.HIP_STOP_SIGNS) + "."]
    if condition == "pregnancy":
        return [pregnancy_note(req), "Stop and call your midwife or doctor if you notice: "
                + "; ".join(v.PREGNANCY_STOP_SIGNS) + "."]
    if condition == "lower_back":
        return [back_note(req)]
    if condition == "osteoporosis":
        return [osteoporosis_note(req)]
    return [CONDITION_WATCH[condition]]


def hip_note(condition, req):
    moves = ("bending the hip past a right angle, crossing your legs or turning the knee in"
             if condition == "hip_replacement_posterior" else
             "taking the leg behind you or turning it out")
    if req.surgeon_cleared:
        text = (f"Hip replacement: your surgeon has lifted your hip precautions, so moves like {moves} are back "
                "in, gently. Jumping and hard landings stay out for good.")
    else:
        text = (f"Hip replacement: your hip precautions apply — no {moves} — until your surgeon lifts them. "
                "Jumping and hard landings stay out for good.")
    if req.weeks_since_surgery is None:
        text += " Tell Limber how many weeks it has been since surgery to tailor this."
    elif req.weeks_since_surgery < 6:
        text += (" In the first six weeks your physio's programme comes first: do this only if it matches "
                 "what they gave you.")
    return text


def pregnancy_note(req):
    weeks = req.pregnancy_weeks
    lying = ("no lying on your back or front" if weeks is None or weeks >= v.SUPINE_FROM_WEEK else
             "no lying on your front" if weeks >= v.PRONE_FROM_WEEK else "only short spells lying down")
    text = (f"Pregnancy: keep it comfortable and stretch gently (your joints are looser now); {lying}, no "
            "jumping, deep twists, breath-holding or balance challenges. Stay cool and drink water.")
    if weeks is None:
        text += " Tell Limber how many weeks pregnant you are to tailor this."
    return text


def back_note(req):
    if req.back_worse == "flexion":
        text = "Lower back: bending forward makes it worse, so deep rounding and loaded bending are left out."
    elif req.back_worse == "extension":
        text = "Lower back: arching makes it worse, so repeated arching and loaded bending are left out."
    else:
        text = ("Lower back: you haven't said which direction makes it worse, so both deep rounding and repeated "
                "arching are left out.")
    return text + " Stop if pain spreads into your buttock or leg, or you feel numbness."


def osteoporosis_note(req):
    impact = ("Jumping is left out until you tell Limber there is no spine fracture."
              if req.spine_fracture != "no" else
              "With no spine fracture, some impact is good for your bones; land softly.")
    return ("Osteoporosis: no rounding or twisting the spine and no rolling on it; balance and back-strengthening "
            f"work are included, as bone-health guidance recommends. {impact}")
