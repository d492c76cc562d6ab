"""The words the pages show for the API's enum values, marked for translation (``N_``) and
translated once per language by ``Portal``."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - gettext's marker for messages translated later
    return message


ORDER_STATUS = {
    "PLACED": N_("Placed"), "ACCEPTED": N_("Accepted"), "DELIVERED": N_("Delivered"),
    "CONFIRMED": N_("Received"), "DECLINED": N_("Declined"), "CANCELLED": N_("Cancelled"),
}
UNIT = {
    "PIECE": N_("pieces"), "PAIR": N_("pairs"), "HOUR": N_("hours"), "DAY": N_("days"),
    "COURSE": N_("courses"), "TRIP": N_("trips"),
}
DELIVERY = {
    "HOME_DELIVERY": N_("Delivered to your home"), "PICKUP": N_("Collect from the provider"),
    "AT_PROVIDER": N_("At the provider's premises"), "AT_HOME_SERVICE": N_("Service at your home"),
    "REMOTE": N_("Remotely (online)"),
}
CATEGORY = {
    "MOBILITY": N_("Mobility"), "PROSTHETICS": N_("Prosthetics"), "ORTHOTICS": N_("Orthotics"),
    "HEARING": N_("Hearing"), "VISION": N_("Vision"), "HYGIENE": N_("Hygiene"),
    "SIGN_LANGUAGE": N_("Sign language"), "PERSONAL_ASSISTANT": N_("Personal assistant"),
    "SANATORIUM": N_("Sanatorium"), "TRANSPORT": N_("Transport"), "SELF_CARE": N_("Self-care"),
    "SOCIAL_SERVICES": N_("Social services"),
}
COVERAGE_REASON = {
    "NO_ENTITLEMENT": N_("Your rehabilitation programme does not include this."),
    "BALANCE_USED_UP": N_("What your programme gives for this is used up."),
    "REGION_NOT_SERVED": N_("This provider does not serve your region."),
    "NO_ACTIVE_RECORD": N_("Your disability record is not active."),
    "NEEDS_QUOTE": N_("A custom item: the provider quotes a price first."),
}
SORT = {
    "": N_("Best match"), "PRICE_ASC": N_("Price, lowest first"), "PRICE_DESC": N_("Price, highest first"),
    "RATING_DESC": N_("Rating, best first"), "LEAD_TIME_ASC": N_("Soonest delivery first"),
}

ACCESSIBILITY = {
    "STEP_FREE_ENTRANCE": N_("step-free entrance"), "RAMP": N_("ramp"), "ELEVATOR": N_("lift"),
    "ACCESSIBLE_TOILET": N_("accessible toilet"), "ACCESSIBLE_PARKING": N_("accessible parking"),
    "TACTILE_PAVING": N_("tactile paving"), "BRAILLE_SIGNAGE": N_("Braille signs"),
    "HEARING_LOOP": N_("hearing loop"), "SIGN_LANGUAGE": N_("sign language"),
    "SIGN_LANGUAGE_STAFF": N_("staff who sign"), "HOME_VISITS": N_("home visits"),
}

ALL = {"status_names": ORDER_STATUS, "unit_names": UNIT, "delivery_names": DELIVERY, "category_names": CATEGORY,
       "coverage_reasons": COVERAGE_REASON,
       "accessibility_names": ACCESSIBILITY, "sort_names": SORT}
