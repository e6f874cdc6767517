"""The self-care tips (shown at L0-L2 only, spec §0.2.6): which ones apply to a triage's facts."""

from __future__ import annotations

from dataclasses import dataclass

from triage.facts import Facts, Predicate


@dataclass(frozen=True)
class Tip:
    """A self-care tip id (catalogue key tip.<id>) and when it applies."""

    id: str
    applies: Predicate


TIPS: tuple[Tip, ...] = (
    # §4.4 rev 2: in pregnancy the tip is the pregnancy limit, never the general 2–3 drinks.
    Tip("caffeine", lambda f: (f.caffeine_moderate or f.caffeine_high) and not f.has("X_PREGNANT")),
    Tip("caffeine_pregnancy", lambda f: f.has("X_PREGNANT") and f.has("C1_2", "C3_4", "C5P")),
    Tip("sleep", lambda f: f.has("TR_SLEEP")),
    # Fluid advice never goes to someone told to limit fluids (§3.4 N_FLUID_CARE).
    Tip("hydrate", lambda f: f.has("TR_SWEAT", "TR_EXERCISE") and not f.has("X_FLUIDLIM")),
    Tip("stress", lambda f: f.has("TR_STRESS")),
    Tip("screens", lambda f: f.has("TR_SCREENS", "A_EYELID")),
    Tip("alcohol", lambda f: f.has("TR_ALCOHOL")),
    Tip("diet", lambda f: f.has("TR_DIET")),
    Tip("exercise", lambda f: f.has("TR_EXERCISE")),
)


def tips_for(facts: Facts) -> tuple[str, ...]:
    """Ids of the tips that apply, in a fixed order."""
    return tuple(tip.id for tip in TIPS if tip.applies(facts))
