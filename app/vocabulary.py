"""The words Limber uses everywhere (DESIGN.md §4): CLI, forms, catalog, engine, rules.

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
EQUIPMENT = ("mat", "wall", "chair", "band", "foam_roller", "step")
POSITIONS = ("standing", "seated", "supine", "prone", "kneeling", "quadruped", "side_lying")
IMPACTS = ("none", "low", "high")
SIDES = ("left", "right")
REGIONS = (
    "neck", "shoulders", "upper_back", "chest", "arms", "wrists", "core", "lower_back",
    "hips", "glutes", "hip_flexors", "adductors", "quads", "hamstrings", "calves", "ankles",
    "full_body",
)

CONDITION_FORBIDS = {
    "knee": frozenset({"deep_knee_flexion", "kneeling", "high_impact"}),
    "lower_back": frozenset({
        "loaded_spinal_flexion", "spinal_flexion_rotation", "repeated_spinal_extension",
        "double_leg_raise",
    }),
    "neck": frozenset({"cervical_circles", "cervical_extension", "inversion"}),
    "shoulder": frozenset({"behind_neck", "overhead_loaded"}),
    "hip_replacement_posterior": frozenset({
        "hip_flexion_past_90", "hip_adduction_midline", "hip_internal_rotation",
    }),
    "hip_replacement_anterior": frozenset({"hip_extension_external_rotation"}),
    "pregnancy": frozenset({
        "supine", "prone", "inversion", "abdominal_compression", "balance_challenge",
        "high_impact", "deep_twist", "breath_hold",
    }),
    "hypertension": frozenset({"inversion", "breath_hold"}),
    "osteoporosis": frozenset({"loaded_spinal_flexion", "spinal_flexion_rotation", "high_impact"}),
    "balance": frozenset({"balance_challenge"}),
}
CONDITIONS = tuple(CONDITION_FORBIDS)

# R5 gentle mode: a "yes" on screening rules out high-impact and maximal efforts.
GENTLE_FORBIDS = frozenset({"high_impact", "maximal"})
# R1: no bouncing for beginners or people 65 and over.
BALLISTIC_TAG = "ballistic"
# Tags that describe an exercise without being a condition's (used by gentle mode and R1).
EXTRA_TAGS = frozenset({"maximal", BALLISTIC_TAG})
CONTRA_TAGS = frozenset().union(*CONDITION_FORBIDS.values()) | EXTRA_TAGS
POSITION_TAGS = {"supine": "supine", "prone": "prone", "kneeling": "kneeling", "quadruped": "kneeling"}

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

LABELS = {
    "warmup": "Warm-up", "cooldown": "Cool-down", "flexibility": "Stretching",
    "mobility": "Mobility",
    "raise": "Raise", "activate": "Activate", "mobilise": "Mobilise", "potentiate": "Potentiate",
    "pulse_down": "Pulse down", "stretch": "Stretch",
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
}


def label(word):
    return LABELS.get(word, word.replace("_", " ").capitalize())


def region_label(region):
    # "neck" and "lower_back" are both a region and a condition; regions get their own label.
    return LABELS.get(f"{region}_region") or label(region)
