"""Bad input with a message per field (pure: used by the engine-side modules and the views)."""


class FieldErrors(ValueError):
    """``errors`` maps each bad field to a message a person can act on."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{k}: {m}" for k, m in errors.items()))
        self.errors = errors
