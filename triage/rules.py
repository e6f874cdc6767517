"""The urgency rules of spec §3.2 as data, and the product choices they depend on.

Each rule carries its spec id verbatim (R-U2), its level, its reason code, its sources and a
predicate over `Facts` (triage.facts). The product choices that §7 asks a clinician to confirm
are named constants below, so each one is changed in exactly one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from triage.facts import ONSET_DAYS_MIN, Facts, Predicate
from triage.facts import onset_date as onset_date  # re-exported: the reports read it here
from triage.levels import Level
from triage.tips import TIPS as TIPS  # re-exported: the catalogue checks read it here

# ---- Product choices awaiting clinical review (§7) -------------------------------------------

PPI_LEVEL = Level.L3
"""§7.1: long-term PPI use with twitching (R-U7). The FDA says seek care promptly."""

FACE_SPREAD_LEVEL = Level.L2
"""§7.2: twitch spreading from the eye across the face (R-S6); facial weakness is L4 already."""

TONGUE_MIN_ONSET_DAYS = 3
"""§7.4: tongue twitching counts (R-R9) once it has lasted this many days (Q3 != D_LT3D)."""

PREGNANCY_LEVEL = Level.L1
"""§7.4: pregnancy, mention it to the midwife or GP (R-R10)."""

FEVER_LEVEL = Level.L2
"""§7.4: fever or feeling generally unwell with the twitching (R-S9)."""

LONG_DURATIONS = frozenset({"D_2_6W", "D_GT6W"})
"""§7.3: the firm L1 threshold is 2 weeks (R-R1)."""

EYELID_SOFT_PROMPT_DURATIONS = frozenset({"D_3_13D"})
"""§7.3: the soft one-week optician prompt. The spec asks for "D_3_13D and onset at least 7
days ago", which the 3-13 day band cannot tell apart, so the whole band gets the prompt: the
line is conditional ("if it's still going at the one-week mark") and changes no level."""

RECURRENT_EPISODES_90D = 3
"""R-R7: the third episode within 90 days counts as "keeps coming back" (product choice)."""

# ---- Rules (§3.2 `rules`) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One urgency rule: fires when `applies(facts)` holds."""

    id: str
    level: Level
    reason: str
    sources: tuple[str, ...]
    applies: Predicate


def _emergency(f: Facts) -> bool:
    return any(o.startswith("E_") and o != "E_NONE" for o in f.chosen)


def _tongue(f: Facts) -> bool:
    days = ONSET_DAYS_MIN.get(f.duration or "", -1)
    return f.has("A_TONGUE") and days >= TONGUE_MIN_ONSET_DAYS


def _medicine_reaction(f: Facts) -> bool:
    # R-U9 (rev 2): a temperature on a medicine that can cause a serotonin-type or stimulant
    # reaction, with sweating, shakiness or twitching all over. Jerking, agitation or
    # confusion would be E_MEDTOX at Q1 (L4); the advice says so (ADVICE_EXTRAS).
    on_medicine = f.has("M_NEWMED", "M_ANTIDEP", "M_STIM")
    return f.has("S_FEVER") and on_medicine and f.has("TR_SWEAT", "S_THYROID", "A_ALLOVER")


RULES: tuple[Rule, ...] = (
    # L4: Q1 only; the flow stops there (§3.1 step 2).
    Rule(
        "R-E1",
        Level.L4,
        "emergency_sign",
        ("S9", "S10", "S11", "S12", "S13", "S14", "S36"),
        _emergency,
    ),
    # L3
    Rule(
        "R-U1",
        Level.L3,
        "recent_neck_surgery_possible_low_calcium",
        ("S20",),
        lambda f: f.has("X_NECKSURG"),
    ),
    Rule(
        "R-U2",
        Level.L3,
        "speech_or_swallowing_change",
        ("S7", "S9"),
        lambda f: f.has("N_BULBAR"),
    ),
    Rule(
        "R-U3",
        Level.L3,
        "possible_significant_dehydration",
        ("S21",),
        lambda f: f.has("S_DEHYD"),
    ),
    Rule("R-U4", Level.L3, "vision_change", ("S15", "S18"), lambda f: f.has("V_DOUBLE")),
    Rule(
        "R-U5",
        Level.L3,
        "droop_with_weakness_pattern",
        ("S15",),
        lambda f: f.has("V_DROOP") and f.has("V_DOUBLE", "N_BULBAR", "N_WEAK"),
    ),
    Rule(
        "R-U6",
        Level.L3,
        "weakness_getting_worse",
        ("S9",),
        lambda f: f.has("N_WEAK") and f.has("T_SPREADING"),
    ),
    Rule(
        "R-U7",
        PPI_LEVEL,
        "long_term_ppi_possible_low_magnesium",
        ("S14",),
        lambda f: f.has("M_PPI"),
    ),
    Rule(
        "R-U8",
        Level.L3,
        "possible_low_potassium",
        ("S6", "S30"),
        # rev 2: cramps only where the twitch is count too, as §1.2 says ("weakness or cramps").
        lambda f: f.has("M_DIURETIC", "M_ASTHMA") and f.has("N_WEAK", "N_STIFF", "N_TINGLE_LOCAL"),
    ),
    Rule(
        "R-U10",
        Level.L3,
        "possible_alcohol_withdrawal",
        ("product_choice",),
        lambda f: f.has("X_ALCWD"),
    ),
    Rule("R-U9", Level.L3, "possible_medicine_reaction", ("S13",), _medicine_reaction),
    # L2
    Rule("R-S1", Level.L2, "weakness", ("S1", "S7", "S9"), lambda f: f.has("N_WEAK")),
    Rule(
        "R-S2",
        Level.L2,
        "muscle_thinning_or_weight_loss",
        ("S4", "S7"),
        lambda f: f.has("N_WASTING"),
    ),
    Rule(
        "R-S3",
        Level.L2,
        "numbness_beyond_twitch",
        ("S4", "S18"),
        lambda f: f.has("N_NUMB_WIDE"),
    ),
    Rule(
        "R-S4",
        Level.L2,
        "balance_or_coordination",
        ("S12", "S18"),
        lambda f: f.has("N_BALANCE"),
    ),
    Rule(
        "R-S5",
        Level.L2,
        "eyelid_closing",
        ("S2", "S3"),
        lambda f: f.has("V_CLOSES", "A_EYES_BOTH"),
    ),
    Rule(
        "R-S6",
        FACE_SPREAD_LEVEL,
        "spreading_across_face",
        ("S2", "S3", "S16"),
        lambda f: f.has("T_FACESPREAD"),
    ),
    Rule("R-S7", Level.L2, "red_or_swollen_eye", ("S2", "S3"), lambda f: f.has("V_RED")),
    Rule("R-S8", Level.L2, "drooping_eyelid", ("S2", "S3"), lambda f: f.has("V_DROOP")),
    Rule(
        "R-S9",
        FEVER_LEVEL,
        "fever_or_unwell",
        ("product_choice",),
        lambda f: f.has("S_FEVER"),
    ),
    Rule(
        "R-S10",
        Level.L2,
        "diuretic_electrolytes",
        ("S4", "S6"),
        lambda f: f.has("M_DIURETIC"),
    ),
    # L1
    Rule(
        "R-R1",
        Level.L1,
        "longer_than_2_weeks",
        ("S1", "S2", "S4"),
        lambda f: f.duration in LONG_DURATIONS,
    ),
    Rule(
        "R-R2",
        Level.L1,
        "more_than_one_place",
        ("S1",),
        # rev 2: spreading to new areas is more than one place, even without weakness.
        lambda f: f.n_sites >= 2 or f.has("T_MOVES", "T_SPREADING"),
    ),
    Rule("R-R3", Level.L1, "stiffness_or_cramps", ("S1", "S5"), lambda f: f.has("N_STIFF")),
    Rule(
        "R-R4",
        Level.L1,
        "possible_medicine_effect",
        ("S1", "S4", "S6", "S30"),
        lambda f: f.has("M_NEWMED", "M_STIM", "M_ANTIDEP", "M_STEROID", "M_ASTHMA"),
    ),
    Rule(
        "R-R5",
        Level.L1,
        "joint_rash_tiredness_pattern",
        ("S17",),
        lambda f: f.has("S_LUPUS"),
    ),
    Rule(
        "R-R6",
        Level.L1,
        "bothering_you",
        ("source_article", "S32"),
        lambda f: f.has("B_HIGH", "B_DOCTOR"),
    ),
    Rule(
        "R-R7",
        Level.L1,
        "keeps_coming_back",
        ("product_choice",),
        lambda f: f.duration == "D_RECUR" or f.episodes_90d >= RECURRENT_EPISODES_90D,
    ),
    Rule(
        "R-R8",
        Level.L1,
        "thyroid_type_symptoms",
        ("S19",),
        lambda f: f.has("S_THYROID"),
    ),
    Rule("R-R9", Level.L1, "tongue_twitch", ("product_choice", "S31"), _tongue),
    Rule(
        "R-R10",
        PREGNANCY_LEVEL,
        "pregnancy_tell_midwife",
        ("product_choice",),
        lambda f: f.has("X_PREGNANT"),
    ),
    Rule("R-R11", Level.L1, "known_condition", ("S35",), lambda f: f.has("X_KNOWN_DX")),
)
"""Every firing rule, in spec order (which breaks ties between reasons of one level)."""

NO_RED_FLAGS = Rule("R-0", Level.L0, "no_red_flags", (), lambda f: True)
"""R-0: stands in when no rule in RULES fired."""

ALL_RULES: tuple[Rule, ...] = (*RULES, NO_RED_FLAGS)

MEDICINE_RULE_IDS = frozenset({"R-R4", "R-U7", "R-U8", "R-U9", "R-S10"})
"""Rules after which the bot shows the §3.3 medicine line."""

ADVICE_EXTRAS: Mapping[str, str] = MappingProxyType(
    {"R-U9": "medicine_reaction", "R-U10": "alcohol_withdrawal"}
)
"""Rule id -> the one extra advice line it adds (catalogue key extra.<id>, rev 2): when to
call the emergency number while waiting for today's advice."""


def fired(facts: Facts) -> tuple[Rule, ...]:
    """Every rule that applies, highest level first, spec order within a level; R-0 if none."""
    hits = [rule for rule in RULES if rule.applies(facts)] or [NO_RED_FLAGS]
    return tuple(sorted(hits, key=lambda rule: -rule.level.rank))
