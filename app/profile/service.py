"""Changing a person's profile: what the onboarding and profile pages, and the AI settings, write."""
from .. import vocabulary as v
from ..models import Profile, utcnow


def save_step(profile, step, form, finish=False):
    """Store what one step's form (app.profile.forms.STEPS[step]) says; ``finish`` ends onboarding."""
    if step == "screening":
        profile.screening = {code: getattr(form, code).data == "yes" for code, _ in v.SCREENING_QUESTIONS}
        profile.screening_done = True
    elif step == "about":
        profile.age, profile.level = form.age.data, form.level.data
    elif step == "health":
        profile.health_consent = bool(form.consent.data)
        profile.health_consent_at = utcnow() if profile.health_consent else None
        profile.conditions = sorted(form.conditions.data or []) if profile.health_consent else []
        profile.condition_details = form.details() if profile.health_consent else {}
    elif step == "activity":
        profile.activities = sorted(form.activities.data or [])
        profile.usual_activity, profile.usual_minutes = form.usual_activity.data, form.usual_minutes.data
        profile.equipment = sorted(form.equipment.data or [])
        profile.tight_areas = sorted(form.tight_areas.data or [])
    if finish:
        profile.onboarded = True
    profile.updated_at = utcnow()
    profile.save()


def finish_onboarding(account_id):
    """Onboarding is over (the last step was skipped): the person lands on the dashboard from now on."""
    Profile.update(onboarded=True, updated_at=utcnow()).where(Profile.account == account_id).execute()


def set_ai(profile, enabled, personality):
    """Whether Limber may ask Claude for this person, and the coach's personality."""
    Profile.update(ai_enabled=enabled, coach_personality=personality, updated_at=utcnow()) \
        .where(Profile.id == profile.id).execute()
    profile.ai_enabled, profile.coach_personality = enabled, personality
