"""The words Limber uses everywhere (docs/exercise-science.md): CLI, forms, catalog, engine, rules.

Pure data: no Flask, no database.
"""

KIND_PHASES = {
    "warmup": ("raise", "activate", "mobilise", "potentiate"),
    "cooldown": ("pulse_down", "stretch"),
    "flexibility": ("raise", "stretch"),
    "mobility": ("mobilise", "activate"),
}
KINDS = tuple(KIND_PHASES)
PHASES = ("raise", "activate", "mobilise", "potentiate", "pulse_down", "stretch")
TYPES = ("raise", "dynamic", "activation", "potentiation", "static", "foam_roll", "breathing")
DYNAMIC_TYPES = frozenset({"dynamic", "activation", "potentiation"})
ACTIVITIES = (
    "general", "running", "cycling", "swimming", "football", "basketball", "racket",
    "strength_lower", "strength_upper", "hiking", "climbing", "desk",
)
LEVELS = ("beginner", "intermediate", "advanced")
EQUIPMENT = ("mat", "wall", "chair", "band", "foam_roller", "step", "anchor")
POSITIONS = ("standing", "seated", "supine", "prone", "kneeling", "quadruped", "side_lying")
IMPACTS = ("none", "low", "high")
SIDES = ("left", "right")
REGIONS = (
    "neck", "shoulders", "upper_back", "chest", "arms", "wrists", "core", "lower_back",
    "hips", "glutes", "hip_flexors", "adductors", "quads", "hamstrings", "calves", "ankles",
    "pelvic_floor", "full_body",
)

# Where a person can say it hurt: every region plus the joints a target list doesn't name.
PAIN_AREAS = (
    "neck", "shoulders", "elbows", "wrists", "upper_back", "chest", "core", "lower_back", "hips",
    "glutes", "hip_flexors", "adductors", "quads", "hamstrings", "knees", "calves", "ankles", "feet",
)
# A sore joint steers the engine away from the exercises that load it (the regions they target).
PAIN_AREA_TARGETS = {"elbows": ("arms", "wrists"), "knees": ("quads", "knees"), "feet": ("ankles", "calves")}
# The joint or area each condition is about, offered first when someone reports pain.
CONDITION_PAIN_AREA = {
    "knee": "knees", "lower_back": "lower_back", "neck": "neck", "shoulder": "shoulders",
    "hip_replacement_posterior": "hips", "hip_replacement_anterior": "hips", "pregnancy": "lower_back",
    "osteoporosis": "upper_back",
}

# What each exercise needs to be done: on the spot, a few steps of floor, or 10 m and more outside.
SPACES = ("none", "room", "outdoor")
# Where the body is: standing on two feet, on one foot, on a chair, or down on the floor.
STANCES = ("standing", "single_leg", "seated", "floor")
POSITION_STANCES = {
    "standing": ("standing", "single_leg"), "seated": ("seated", "floor"), "supine": ("floor",),
    "prone": ("floor",), "kneeling": ("floor",), "quadruped": ("floor",), "side_lying": ("floor",),
}
INTENSITIES = (1, 2, 3, 4, 5)  # 1 lying still … 3 brisk walking … 5 all-out
# The movement a potentiation drill rehearses (N5), and which ones each activity needs (its signature first).
PATTERNS = ("sprint", "cut", "jump", "land", "swing", "stroke", "pedal", "pull", "grip", "push", "lift", "step")
ACTIVITY_PATTERNS = {
    "general": ("sprint", "jump", "push", "step", "lift"),
    "running": ("sprint",),
    "cycling": ("pedal",),
    "swimming": ("stroke",),
    "football": ("sprint", "cut", "jump"),
    "basketball": ("jump", "land", "cut"),
    "racket": ("swing", "cut"),
    "strength_lower": ("lift", "jump"),
    "strength_upper": ("push", "pull", "lift"),
    "hiking": ("step",),
    "climbing": ("pull", "grip"),
    "desk": (),  # a desk break needs no power drill
}
# N4: the body areas an activity leans on; activate and mobilise each work at least one.
ACTIVITY_KEY_REGIONS = {
    "general": ("hips", "glutes", "shoulders", "upper_back", "quads", "hamstrings", "calves", "ankles"),
    "running": ("calves", "ankles", "hamstrings", "hip_flexors", "glutes"),
    "cycling": ("hips", "hip_flexors", "quads", "glutes", "lower_back"),
    "swimming": ("shoulders", "upper_back", "chest"),
    "football": ("hips", "adductors", "hamstrings", "glutes", "calves", "ankles"),
    "basketball": ("ankles", "calves", "glutes", "hips", "quads"),
    "racket": ("shoulders", "upper_back", "wrists", "ankles", "hips"),
    "strength_lower": ("hips", "glutes", "quads", "hamstrings", "ankles"),
    "strength_upper": ("shoulders", "upper_back", "chest"),
    "hiking": ("quads", "calves", "ankles", "glutes", "hips"),
    "climbing": ("wrists", "shoulders", "upper_back", "arms"),
    "desk": ("neck", "upper_back", "hips", "hip_flexors", "lower_back", "wrists"),
}
# N3 (ACSM): a stretching session reaches the major muscle-tendon groups.
MAJOR_GROUPS = ("hamstrings", "quads", "hip_flexors", "calves", "glutes", "adductors", "chest", "shoulders",
                "lower_back")

CONDITION_FORBIDS = {
    "knee": frozenset({"deep_knee_flexion", "kneeling", "high_impact", "fast_knee_load"}),
    "lower_back": frozenset({
        "loaded_spinal_flexion", "spinal_flexion_rotation", "repeated_spinal_extension",
        "double_leg_raise", "spinal_flexion_end_range",
    }),
    "neck": frozenset({"cervical_circles", "cervical_extension", "inversion", "cervical_loaded_flexion"}),
    "shoulder": frozenset({
        "behind_neck", "overhead_loaded", "shoulder_end_range", "plyometric_upper", "shoulder_apprehension",
    }),
    "hip_replacement_posterior": frozenset({
        "hip_flexion_past_90", "hip_adduction_midline", "hip_internal_rotation", "high_impact",
    }),
    "hip_replacement_anterior": frozenset({"hip_extension_external_rotation", "hip_extension", "high_impact"}),
    "pregnancy": frozenset({
        "supine", "prone", "inversion", "abdominal_compression", "balance_challenge",
        "high_impact", "deep_twist", "breath_hold", "ballistic", "maximal",
    }),
    "hypertension": frozenset({"inversion", "breath_hold", "maximal", "sustained_isometric"}),
    "osteoporosis": frozenset({
        "loaded_spinal_flexion", "spinal_flexion_rotation", "spinal_flexion_end_range", "spinal_rolling",
        "high_impact",
    }),
    "balance": frozenset({
        "balance_challenge", "head_position_change", "backward_locomotion", "high_impact",
    }),
}
CONDITIONS = tuple(CONDITION_FORBIDS)

# What a condition's details can lift (an unknown answer lifts nothing: the cautious one holds).
HIP_PRECAUTIONS = {
    "hip_replacement_posterior": frozenset({"hip_flexion_past_90", "hip_adduction_midline", "hip_internal_rotation"}),
    "hip_replacement_anterior": frozenset({"hip_extension_external_rotation", "hip_extension"}),
}
BACK_WORSE = ("flexion", "extension")
BACK_DIRECTION_TAGS = {  # tags that only the direction which hurts needs to rule out
    "flexion": frozenset({"repeated_spinal_extension"}),  # worse bending forward: arching back is fine
    "extension": frozenset({"spinal_flexion_end_range"}),  # worse arching back: gentle rounding is fine
}
PRONE_FROM_WEEK, SUPINE_FROM_WEEK = 12, 20  # ACOG 804: no long lying on the back after ~20 weeks

# R5/N9 gentle mode: a "yes" on screening rules these out, caps the level and the effort.
GENTLE_FORBIDS = frozenset({"high_impact", "maximal", "ballistic", "breath_hold", "inversion", "sustained_isometric"})
GENTLE_MAX_LEVEL = "intermediate"
GENTLE_MAX_INTENSITY = 3
# People 65 and over: no bouncing, no sustained neck extension, no walking backwards, and balance work
# only with a hand on a support (Otago).
OLDER_FORBIDS = frozenset({"ballistic", "cervical_extension", "backward_locomotion", "balance_challenge"})
BALLISTIC_TAG = "ballistic"
# Tags that describe an exercise without being a condition's (used by gentle mode and R1).
EXTRA_TAGS = frozenset({"maximal", BALLISTIC_TAG})
CONTRA_TAGS = frozenset().union(*CONDITION_FORBIDS.values()) | EXTRA_TAGS | OLDER_FORBIDS
POSITION_TAGS = {"supine": "supine", "prone": "prone", "kneeling": "kneeling", "quadruped": "kneeling"}

# The FIFA 11+ components (Soligard 2008) a football warm-up of 15 minutes or more is built from.
FIFA_PARTS = {
    "running": "Part 1: running drills with active stretching",
    "strength": "Part 2: strength, plyometrics and balance",
    "running_fast": "Part 3: faster running with changes of direction",
}
FIFA_COMPONENTS = ("running", "bench", "sideways_bench", "hamstrings", "single_leg", "squats", "jumping",
                   "running_fast")
FIFA_COMPONENT_PART = {c: ("strength" if c not in ("running", "running_fast") else c) for c in FIFA_COMPONENTS}

SCREENING_QUESTIONS = (
    ("heart", "Has a doctor ever said you have a heart condition or high blood pressure?"),
    ("chest_pain", "Do you feel pain in your chest at rest, in daily life, or when you are active?"),
    ("dizziness", "Do you lose your balance because of dizziness, or have you lost consciousness in the last 12 months?"),
    ("chronic", "Have you been diagnosed with another chronic medical condition (other than heart disease or high blood pressure)?"),
    ("medication", "Are you taking prescribed medication for a chronic medical condition?"),
    ("joint", "Do you have a bone, joint or soft-tissue problem that could be made worse by being more active?"),
    ("supervision", "Has a doctor ever said you should only be active under medical supervision?"),
)

# R6: the body's signals to stop. The player and (later) the coach share these words.
STOP_SIGNS = (
    ("chest_pain", "Chest pain, pressure or tightness"),
    ("faint", "Feeling faint, dizzy or light-headed"),
    ("breathless", "Unusually out of breath"),
    ("sharp_pain", "Sharp, shooting or spreading pain"),
    ("numbness", "Numbness or tingling"),
)
# ACOG Committee Opinion 804 (2020): stop exercising and call your midwife or doctor.
PREGNANCY_STOP_SIGNS = (
    "vaginal bleeding", "regular painful contractions", "fluid leaking from the vagina",
    "feeling out of breath before you start", "dizziness", "headache", "chest pain",
    "muscle weakness that affects your balance", "pain or swelling in a calf",
)
# After a hip replacement: signs the joint may have dislocated.
HIP_STOP_SIGNS = (
    "sudden pain in the groin or hip", "the leg looking shorter or turned in or out",
    "not being able to put weight on the leg",
)

LABELS = {
    "warmup": "Warm-up", "cooldown": "Cool-down", "flexibility": "Stretching",
    "mobility": "Mobility",
    "raise": "Raise", "activate": "Activate", "mobilise": "Mobilise", "potentiate": "Potentiate",
    "pulse_down": "Pulse down", "stretch": "Stretch", "activate_mobilise": "Activate & mobilise",
    "dynamic": "Dynamic", "activation": "Activation", "potentiation": "Power",
    "static": "Static hold", "foam_roll": "Foam roll", "breathing": "Breathing",
    "general": "general fitness", "running": "running", "cycling": "cycling",
    "swimming": "swimming", "football": "football", "basketball": "basketball",
    "racket": "racket sports", "strength_lower": "lower-body strength",
    "strength_upper": "upper-body strength", "hiking": "hiking", "climbing": "climbing",
    "desk": "a desk break",
    "beginner": "Beginner", "intermediate": "Intermediate", "advanced": "Advanced",
    "mat": "Mat", "wall": "Wall", "chair": "Chair", "band": "Resistance band",
    "foam_roller": "Foam roller", "step": "Step or stair",
    "anchor": "Heel anchor (a partner or heavy sofa)",
    "knee": "Knee problems", "lower_back": "Lower-back pain", "neck": "Neck problems",
    "shoulder": "Shoulder problems",
    "hip_replacement_posterior": "Hip replacement (posterior approach)",
    "hip_replacement_anterior": "Hip replacement (anterior approach)",
    "pregnancy": "Pregnancy", "hypertension": "High blood pressure",
    "osteoporosis": "Osteoporosis", "balance": "Balance problems",
    "neck_region": "Neck", "shoulders": "Shoulders", "upper_back": "Upper back",
    "chest": "Chest", "arms": "Arms", "wrists": "Wrists", "core": "Core",
    "lower_back_region": "Lower back", "hips": "Hips", "glutes": "Glutes",
    "hip_flexors": "Hip flexors", "adductors": "Inner thighs", "quads": "Thighs (front)",
    "hamstrings": "Hamstrings", "calves": "Calves", "ankles": "Ankles", "full_body": "Whole body",
    "standing": "Standing", "seated": "Seated", "supine": "Lying on your back",
    "prone": "Lying face down", "quadruped": "On hands and knees", "side_lying": "Lying on your side",
    "knees": "Knees", "elbows": "Elbows", "feet": "Feet", "pelvic_floor": "Pelvic floor",
    "single_leg": "On one leg", "floor": "On the floor",
    "room": "Indoors", "outdoor": "Outdoors",
}


def label(word):
    return LABELS.get(word, word.replace("_", " ").capitalize())


def region_label(region):
    # "neck" and "lower_back" are both a region and a condition; regions get their own label.
    return LABELS.get(f"{region}_region") or label(region)


def routine_words(kind, activity, minutes=None, focus=()):
    """A routine in words, as its title, a plan entry, a diff line, a proposal and a quick-start
    card all say it: "Running warm-up · 8 min", "Stretching, focus on hips · 10 min" (without
    ``minutes``: "Running warm-up")."""
    if kind == "warmup":
        name = "Desk-break warm-up" if activity == "desk" else f"{label(activity).capitalize()} warm-up"
    elif activity in ("general", "desk"):
        name = "Desk break" if activity == "desk" else label(kind)
    else:
        name = f"{label(kind)} for {label(activity)}"
    if focus:
        name += f", focus on {', '.join(region_label(area).lower() for area in focus)}"
    return name if minutes is None else f"{name} · {minutes}\u00a0min"  # keep "8 min" on one line

# The coach's voices: code -> the name a person picks (the prompt for each lives with the chat).
PERSONALITIES = {"supportive": "Supportive", "tough_love": "Tough love", "calm": "Calm"}
