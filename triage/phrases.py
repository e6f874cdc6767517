"""English danger phrases of the free-text safety net (spec §2.1), awaiting clinical and
safeguarding review (§7.5). Syntax in `triage.keywords`: slots in order within a short window,
`a|b` alternatives, `word*` a prefix, `~8` a wider window.

Judgement calls, all leaning towards over-triage (§0.2.4) except where a figure of speech is
far more common than the danger ("stroke of luck", "heart skipped a beat when I saw the
price", "this is killing me", "dying to know", "breathing exercises", "grandad had a stroke
years ago"): those need a word that makes them about now or about the person.
"""

from __future__ import annotations

_HARD = "cant|cannot|couldnt|unable|struggling|struggle|struggled|hard|harder|difficult|difficulty|trouble|problem|problems|barely|hardly|labored|laboured|gasping|fighting|stopped|stopping|stop|not"  # noqa: E501
_SELF = "myself|himself|herself|themselves|themself|ourselves"
_PAIN = "pain|pains|painful|hurts|hurt|hurting|tight|tightness|tighter|pressure|heavy|heaviness|crushing|squeezing|squeezed|ache|aches|aching|discomfort|clenching"  # noqa: E501
_MEDS = "meds|med|medicine|medication|tablets|pills|dose|antidepressant*|ssri*|sertraline|tramadol|triptan*|lithium"  # noqa: E501
_LIMB = "arm|arms|leg|legs|hand|hands|foot|feet|side|face|body"

EMERGENCY = (
    # breathing (E_BREATH)
    f"{_HARD} breath*",
    "breath* hard|harder|difficult|laboured|labored|shallow|stopped|stops|struggling|rattly",
    "short|shortness breath*",
    "breathless*",
    "out of breath resting|rest|lying|sitting|bed",
    "cant|cannot|couldnt|struggling|not|enough get air",
    "gasping|gasp air",
    "suffocat*",
    "wheez*",
    "throat closing|closed|swelling|swollen|tightening",
    "tongue|lips swelling|swollen",
    "lips|face|fingers turning|gone|went|are|is blue",
    "choking",
    "chok*|choke on|saliva|spit|food|drink|water|tongue",
    # swallowing (E_SWALLOW)
    f"{_HARD} swallow*",
    "swallow* hard|harder|difficult|weird|strange|wrong|properly|painful|impossible",
    "food|pill|pills|tablet stuck",
    "dysphagia",
    # chest and heart (E_HEART)
    f"chest {_PAIN}|burning|sharp",
    f"{_PAIN} chest",
    "heart attack|attacks",
    "angina",
    "cardiac arrest",
    "heart race|races|raced|racing|pounding|pounds|pounded|thumping|hammering|fluttering|flutters|irregular|galloping|erratic|skipping|skips",  # noqa: E501
    "heartbeat|heartrate|pulse|heart racing|fast|erratic|irregular|pounding|skipping|weird|crazy|through",  # noqa: E501
    "racing|pounding|irregular|rapid|erratic|thumping|fast heart|heartbeat|heartbeats|pulse",
    "palpitat*",
    "tachycardi*",
    "arrhythmi*",
    "afib",
    "skip*|missed|missing beats",
    # stroke, face, sudden weakness or numbness (E_STROKE)
    "having|think|thinking|this|mini|suspect|maybe|signs stroke|strokes",
    "it a stroke",
    "stroke symptom*|signs",
    "tia",
    "face|facial|mouth|smile|lip droop*|drooping|sagging|saggy|lopsided|crooked|numb*|paralys*|paralyz*|weak|weakness|uneven",  # noqa: E501
    "droop*|drooping|dropped|numb*|weak|paralysed|paralyzed face|mouth|smile",
    "palsy",
    "sudden|suddenly weak*|numb*|paralys*|paralyz*|limp|collapse*",
    f"{_LIMB} went|gone|going|suddenly weak|numb|limp|floppy|dead|useless",
    "weak numb",
    "numb weak",
    "numb*|weak*|paralys* one|left|right|half side",
    "one|left|right|half side numb*|weak*|paralys*|droop*|dropped",
    f"cant|cannot|couldnt move|lift|feel {_LIMB}|arms|legs",
    "paralys*|paralyz*",
    "weak*|numb*|tingl*|pins spread*|rising|climbing|creeping|moving up|fast|quickly",
    "guillain",
    # speech (E_SPEECH)
    "slurred|slurring|slurs|slur speech|words|talking|speaking",
    "speech slurred|slurring|garbled|jumbled|strange|weird|funny|gone|wrong|off",
    "trouble|difficulty|struggling|struggle speak*|talking|words",
    "cant|cannot|couldnt speak|talk properly|clearly|right|anymore|suddenly|normally",
    "cant|cannot|couldnt get|find words|word",
    "words come|coming|came out wrong|jumbled|garbled|muddled|mixed",
    "garbled|jumbled|muddled speech|words",
    "aphasia",
    "cant|cannot|couldnt understand what people|anyone|someone|saying",
    # vision (E_VISION)
    "lost|losing|loss|lose vision|sight|eyesight",
    "vision|sight|eyesight went|gone|lost|black|dark|blacked|suddenly|sudden",
    "sudden|suddenly blind|blur*|vision|sight|double",
    "went|gone|going blind",
    "cant|cannot|couldnt see anything|properly|out",
    # seizure, fainting, confusion (E_SEIZURE)
    "seizure*",
    "seizure|seizures",
    "seizing",
    "convuls*",
    "had|having|has|have fit|fits",
    "epilep* fit|fits|attack|seizure",
    "fainted|fainting|faints",
    "~2 feel|feeling|felt faint",
    "~3 about|going|gonna to faint",
    "passed|passing|pass out",
    "blacked|blacking|black out",
    "collapsed|collapse|collapsing",
    "unconscious",
    "lost|losing consciousness",
    "keeled over",
    "sudden|suddenly|new confused|confusion|disoriented",
    "disorient*",
    "delirious",
    # headache (E_HEADACHE)
    "worst|sudden|suddenly|severe|explosive|exploding|excruciating|thunderclap headache|headaches",
    "~6 sudden|severe|worst|excruciating|explosive pain head",
    "thunderclap",
    "head exploding|explode|splitting",
    # medicine reaction (E_MEDTOX)
    "serotonin syndrome|toxicity",
    "anaphyla*",
    "allergic reaction",
    "reaction to|after|from medicine|meds|med|medication|tablets|pills|drug|drugs|dose|antidepressant*",  # noqa: E501
    f"~8 {_MEDS} fever|feverish|sweat*|agitat*|shiver*|jerk*",
    f"~8 fever|feverish|sweat*|agitat*|shiver*|jerk* {_MEDS}",
    "~6 fever|feverish|sweating|agitated|agitation jerk*",
    # asking for help
    "ambulance",
    "call|calling 999|911|112|000|emergency",
    "emergency room",
)

CRISIS = (
    "suicid*",
    "sucide|sucidal|suicde|suiside|suisidal|suiside|sucicide|suicidel",
    f"kil|kill|killing|kiling|end|ending|hurt|hurting|harm|harming|hang|hanging|shoot|poison|drown|starve|strangle {_SELF}",  # noqa: E501
    f"cut|cutting|cuts {_SELF}",
    "kill|kil yourself|urself",
    "kms",
    "kys",
    "unaliv*",
    "sewerslide",
    "self|selfharm harm*|injur*|hurt*",
    "selfharm*",
    "end|ending|take|taking|took|ended my|his|her|their|own life",
    "end|ending it all",
    "want|wanna|wana|going|gonna|gona|ready|thinking|plan|planning|should end it|things",
    "want|wanna|wana|wish|ready|longing die|dying|dead",
    "wish dead|die|disappear|born",
    "better off dead",
    "better off without me|us",
    "~7 better off if|when gone|dead|here",
    "rather dead",
    "no|nothing|not|any|whats point|reason|worth living|live|alive|life|existing",
    "life not|isnt|aint|wasnt|no worth",
    "dont|not|longer want|wanna live|alive|exist|existing",
    "~7 dont|not|longer want|wanna here|around anymore",
    "~7 dont|not want|wanna wake up anymore|again|tomorrow",
    "never wake up",
    "tired|sick of living|life|alive|existing",
    "give|giving|gave up life|living",
    "cant|cannot go on anymore|like",
    "overdos*",
    "~5 od|oded pills|meds|tablets|paracetamol|tylenol|sleeping",
    "~3 took|taken|taking an|a od",
    "~6 whole|entire bottle|pack|packet|box pills|tablets|meds|paracetamol",
    "~7 all pills|tablets|meds at once",
    "jump|jumping off|from bridge|roof|building|cliff|balcony",
    "slit|cut|cutting wrist*",
)

DISEASE_QUESTION = (
    "als",
    "mnd",
    "motor neuron*",
    "lou gehrig*",
    "ms",
    "multiple sclerosis",
    "lupus",
    "myasthenia",
    "parkinson*",
    "dystonia",
    "neuropathy",
    "tumour*",
    "tumor*",
    "cancer",
    "bfs",
    "fasciculation syndrome",
    "is it|this|that serious",
    "something serious",
    "could this|it be",
    "am i dying",
)

VETOES = (
    # figures of speech and the bot's own suggestions
    "stroke of",
    "brush stroke",
    "back stroke",
    "heat stroke",
    "breathing exercise",
    "breathing exercises",
    "breathing technique",
    "breathing techniques",
    "dont want to die",
    "do not want to die",
    "dont wanna die",
    "not going to die",
    "am not going to die",
    "im not going to die",
    "cut myself shaving",
    "cut myself cooking",
    "cut myself chopping",
    "cut myself on",
    "cut myself while",
    "hurt myself at the gym",
    "hurt myself lifting",
    "hurt myself playing",
    "take my own life seriously",
    "sleep paralysis",
    "sight of",
    "breathtaking",
    "choking up",
    "choked up",
    "analysis paralysis",
    "out of breath after",
    "out of breath from",
    "out of breath when running",
    "heart was racing with excitement",
)
