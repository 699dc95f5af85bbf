"""The words and phrases that `concerns.understand` looks for, and what each one suggests.

Written from how people commonly describe these situations and from the label rules in
shared/data/README.md; never from the texts used to measure it.

Pattern syntax (one pattern is a sequence of slots separated by spaces):

- `word` matches that word; `a|b|c` matches any of them;
- `stem*` matches any word that starts with `stem`;
- `@CLASS` matches any word of a class in `WORD_CLASSES` (`@A|@B|word` mixes them);
- `~` allows up to 3 other words before the next slot, `~N` up to N words.

Alternatives are single words: write "he|she left", not "he left|she left".

Text is lower-cased and contractions are expanded before matching ("can't" is
"can not", "I'm" is "i am", "mom's" is "mom"), so patterns use the expanded forms. A
pattern never spans two sentences.
"""

from dataclasses import dataclass, field


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(" ".join(phrase.split()) for phrase in text.split(",") if phrase.strip())


TEEN_AGES = tuple(str(age) for age in range(13, 20))

WORD_CLASSES: dict[str, tuple[str, ...]] = {
    "PARTNER": _words(
        """
        husband wife boyfriend girlfriend bf gf partner spouse fiance fiancee fiancé fiancée hubby
        ex lover wifey boyfriends girlfriends husbands exhusband exwife exboyfriend exgirlfriend
        """
    ),
    "PARENT": _words(
        """
        mom mum mother mommy mama dad father daddy papa parents parent stepmom stepdad stepmother
        stepfather mothers fathers moms dads
        """
    ),
    "SIBLING": _words(
        """
        sister brother sis siblings sibling stepsister stepbrother sisters brothers twin
        """
    ),
    "RELATIVE": _words(
        """
        grandma grandmother grandpa grandfather grandparents grandparent granny nana grandmom
        granddad aunt uncle cousin niece nephew inlaws relatives relative
        """
    ),
    "CHILD": _words(
        """
        son daughter kid kids child children toddler stepson stepdaughter stepchild stepchildren
        sons daughters baby infant newborn
        """
    ),
    "FRIEND": _words(
        """
        friend friends bestie bff roommate roommates roomie classmate classmates neighbor neighbour
        """
    ),
    "WORKER": _words(
        """
        boss manager supervisor coworker coworkers colleague colleagues employer bosses teammate
        teammates
        """
    ),
    "PRONOUN": _words(
        """
        he she him her they them we us his hers
        """
    ),
    "TEEN_AGE": TEEN_AGES,
    "TEEN_AGE_TAG": tuple(
        f"{age}{suffix}" for age in TEEN_AGES for suffix in ("yo", "yrs", "m", "f", "y")
    ),
    "PET": _words("dog cat pet puppy kitten horse hamster bird dogs cats"),
    "FIRST_PERSON": _words("i me myself"),
    "DISORDER": _words(
        """
        depression anxiety bipolar adhd add ptsd ocd bpd borderline schizophrenia disorder gad
        insomnia anorexia bulimia aspergers autism
        """
    ),
}
# Classes built from others.
WORD_CLASSES["FAMILY"] = WORD_CLASSES["PARENT"] + WORD_CLASSES["SIBLING"] + WORD_CLASSES["RELATIVE"]
WORD_CLASSES["KIN"] = (
    WORD_CLASSES["FAMILY"]
    + WORD_CLASSES["CHILD"]
    + WORD_CLASSES["PARTNER"]
    + ("friend", "bestie", "bff", "grandson", "granddaughter", "fiancé")
)
# "lost my girlfriend" is usually a break-up; "lost my wife" usually a death.
WORD_CLASSES["BEREAVED_KIN"] = tuple(
    word
    for word in WORD_CLASSES["KIN"]
    if word
    not in {
        "boyfriend",
        "girlfriend",
        "bf",
        "gf",
        "ex",
        "boyfriends",
        "girlfriends",
        "exhusband",
        "exwife",
        "exboyfriend",
        "exgirlfriend",
        "partner",
        "lover",
    }
)
WORD_CLASSES["PERSON"] = (
    WORD_CLASSES["KIN"]
    + WORD_CLASSES["FRIEND"]
    + WORD_CLASSES["WORKER"]
    + WORD_CLASSES["PRONOUN"]
    + ("teacher", "coach", "roommate", "guy", "girl", "man", "woman", "someone", "people")
)


@dataclass(frozen=True)
class Group:
    """Patterns that suggest the same thing, with the weight each match adds.

    `needs`: a word class that must occur in the same sentence or a neighbour for full
    weight (a fight needs someone to fight with); without it the weight is multiplied by
    `alone_factor`.

    `hedged`: the change is discounted when it is only being considered ("thinking about
    moving"), as the label rules require for a role transition.
    `first_person`: discounted when the sentence says nothing about the writer ("my son
    has no friends" is the son's difficulty, not the writer's).
    `own_loss`: discounted when the person who died is someone else's ("her dad died").
    `unless`: a word class that lowers the weight to `unless_factor` when it is in the same
    sentence or a neighbour (loneliness next to "my husband" is about the marriage).
    `negation_window`: how far before a match a "not" or "no" still negates it. Themes
    named by a noun take 1, so "no husband" is negated but "not happy in my marriage" is
    not; risk takes 2 (see `concerns.understand`).
    """

    name: str
    patterns: tuple[str, ...]
    areas: dict[str, float] = field(default_factory=dict)
    specialties: dict[str, float] = field(default_factory=dict)
    risk: bool = False
    needs: str = ""
    alone_factor: float = 0.4
    hedged: bool = False
    first_person: bool = False
    own_loss: bool = False
    negation_window: int = 3
    unless: str = ""
    unless_factor: float = 1.0


# Words that undo a following match ("not", "never"...), and words after such a cue that
# show it is not negating the concern ("can't stop crying", "don't know how to grieve").
NEGATION_CUES = frozenset(_words("neither never no nor not nothing without"))
NEGATION_RELEASES = frozenset(
    _words(
        """
        anymore bear believe control cope deal describe escape explain figure fix forget get handle
        help how imagine just know longer matter move only overcome seem shake stop sure take tell
        think understand wait want what why
        """
    )
)
# Words that end the reach of a negation cue ("or" does not: "not sad or anxious").
NEGATION_BREAKS = frozenset(
    _words(
        """
        after although and because before but however if since so that though until when which
        while who yet
        """
    )
)
# Words before a change that show it is only being considered.
HEDGES = frozenset(
    _words(
        """
        afraid consider considering fear if maybe might scared should thinking want wanting wants
        whether worried
        """
    )
)
# "no problems with my partner", "never had issues at work": the cue negates the whole
# topic that follows, not just the next few words.
NEGATED_TOPICS = frozenset(
    _words(
        """
        complaints concerns history issue issues problem problems trouble troubles worries
        """
    )
)
HEDGE_WINDOW = 4
# Words that do not count towards the negation window ("no problems with my partner").
FILLER_WORDS = frozenset(
    _words(
        """
        a about all am an any are at be been did do does even ever feel felt for had has have i is
        much my of really so the to too very was were with
        """
    )
)

GROUPS: tuple[Group, ...] = (
    # --- Grief: a death that matters to the writer, or a pregnancy loss. ---
    Group(
        "death of someone close",
        _phrases(
            """
            passed away, @KIN ~2 passed, @KIN ~3 died|dying, death of ~2 @KIN,
            @KIN ~1 death|funeral|passing|suicide|overdose, lost ~2 @BEREAVED_KIN,
            losing ~2 @BEREAVED_KIN, loss of ~2 @BEREAVED_KIN, @KIN ~2 killed, @KIN ~2 passed on,
            committed suicide, took ~2 own life, killed himself|herself|themselves, died by suicide,
            late husband|wife|father|mother|son|daughter|partner, buried ~2 @KIN,
            widow|widowed|widower, bereaved|bereavement,
            lost|losing|buried ~2 first born|child|firstborn, found dead, overdosed, fatal,
            was killed, were killed, got killed
            """
        ),
        areas={"grief": 4.0},
        specialties={"grief": 4.0},
        own_loss=True,
    ),
    Group(
        "mourning",
        _phrases(
            """
            grief, grieving, grieve, grieved, mourning, mourn, funeral, funerals, cemetery, grave,
            anniversary of ~3 death, since ~2 died, rest in peace, passing of, who died, had died,
            has died, died
            """
        ),
        areas={"grief": 2.5},
        specialties={"grief": 2.5},
        own_loss=True,
    ),
    Group(
        "missing someone",
        _phrases(
            """
            miss him|her|them|you so, miss ~2 @KIN, missing ~2 @KIN, miss him|her|them
            """
        ),
        areas={"grief": 1.5},
        specialties={"grief": 1.0},
    ),
    Group(
        "death mentioned",
        _phrases(
            """
            death, deaths, dead, loss, losses, deceased, passed
            """
        ),
        areas={"grief": 1.0},
        specialties={"grief": 1.0},
    ),
    Group(
        "pregnancy loss",
        _phrases(
            """
            miscarriage, miscarriages, miscarried, stillbirth, stillborn,
            lost ~2 baby|pregnancy|babies, losing ~2 baby|pregnancy, abortion, aborted,
            terminated ~2 pregnancy, termination, ectopic, infant loss, pregnancy loss
            """
        ),
        areas={"grief": 3.5},
        specialties={"grief": 3.0, "perinatal": 4.0},
    ),
    Group(
        "a pet died",
        _phrases(
            """
            @PET ~2 died|passed|death|dead, put ~2 @PET down, lost ~2 @PET
            """
        ),
        areas={"grief": -4.0},
        specialties={"grief": -1.5},
    ),
    Group(
        "death of one's own feelings or hopes",
        _phrases(
            """
            dead inside, feel dead, dead end, loss of interest, weight loss, loss of appetite,
            hair loss, memory loss, loss of motivation, job loss, loss of ~2 job, dead tired,
            at a loss
            """
        ),
        areas={"grief": -2.5},
        specialties={"grief": -2.5},
    ),
    # --- Role dispute: an ongoing conflict with a specific person. ---
    Group(
        "fighting",
        _phrases(
            """
            fight, fights, fighting, fought, argue, argues, arguing, argued, argument, arguments,
            quarrel*, bicker*, conflict, conflicts, disagree, disagreement, disagreements,
            disagree*, tension, clash*, falling out, fell out, at each other, not get along,
            not ~2 get|getting|gotten|got along, not getting along, never get along, power struggle,
            scream at, screaming at|match, screams at, yell at, yells, yelling, yelled, shout at,
            shouting, shouts, blow up at, drama, feud*, hostile, on bad terms, not speaking
            """
        ),
        areas={"role_dispute": 3.0},
        needs="PERSON",
    ),
    Group(
        "infidelity",
        _phrases(
            """
            cheat, cheats, cheated, cheating, cheater, affair, affairs, unfaithful, infidelity,
            another woman, other woman, another man, other man, sleeping with, slept with,
            texting ~2 other|another|girls|guys, flirting, flirts, flirted, betray*, dating apps,
            dating app, tinder, behind my back, secret ~2 account|phone|relationship|messages
            """
        ),
        areas={"role_dispute": 3.0},
        specialties={"couples": 3.0},
    ),
    Group(
        "being mistreated",
        _phrases(
            """
            controlling, controls me, control me, manipulat*, narcissist*, toxic, disrespect*,
            belittl*, criticiz*, critici*, insult*, blame* me, ignore* me, treat* me, mean to me,
            hates me, hate me, mad at me, angry at|with me, upset with me, jealous, jealousy,
            possessive, lied, lies, lying, liar, not trust ~2 him|her|them, trust issues, resent*,
            guilt trip*, guilts me, nag*, bully, bullies, bullied, bullying, picks on me,
            pick on me, make* fun of me, silent treatment, stopped talking to me, not talk to me,
            not talking to me, not listen*, not respect*, not care ~2 about me, not appreciate*,
            for granted, not let me, forbid*, overprotective, over protective, kicked me out,
            threaten*, demanding, selfish, rude, mean to, so mean, cruel, abusive, abuses me,
            abusing me, hit me, hits me, hitting me, push* me, shoved me, put* me down,
            walk all over me, use* me, gaslight*, stonewall*, cold shoulder, shuts me out,
            shut me out, unfair, does not help, never helps, not help ~2 house|kids|chores,
            not support* me, expects me, expect me, wants me to, want me to, makes me feel,
            made me feel, not accept* me, disown*, rejected me, not allow* me, not allowed, hurt me,
            hurts me, nothing to do with me, defensive, bring it up, brought it up, nasty, chores,
            my share, call* me names, name calling, calls me ~3 stupid|fat|ugly|worthless|crazy,
            controls|controlling ~3 money|finances|phone|everything, checks my phone,
            goes through my phone, tracks me, afraid|scared|terrified of ~2 him|her,
            afraid|scared|terrified of ~2 @PARTNER|@PARENT, borrow* ~3 money, pay* ~2 back,
            hard to get to know, her share, his share, their share, leaves ~2 mess, only calls when,
            borrow* money, owes me, takes advantage, taking advantage, uses me, walks all over,
            talks down, talk down to me, eye roll*, sarcastic, lecture*, preach*, judg*,
            hiding ~2 from me, hides ~2 from me, not answer ~2 calls|texts|phone|messages,
            badmouth*, bad mouth*, trash talk*, talks bad about, turn* ~3 against me, not stick to,
            stopped visiting, avoid* ~2 him|her|them|my
            """
        ),
        areas={"role_dispute": 2.5},
        needs="PERSON",
        alone_factor=0.3,
    ),
    Group(
        "trouble with someone",
        _phrases(
            """
            problem|problems|issue|issues|trouble with ~2 @KIN|@WORKER|@FRIEND,
            @KIN|@WORKER|@FRIEND and i ~3 fight|argue|disagree|clash|problems|issues,
            relationship|marriage ~3 struggling|rocky|strained|rough|difficult|toxic|trouble,
            falling apart, relationship with ~2 @KIN|@WORKER|@FRIEND, not on the same page,
            not love me, not attracted to me, lost interest in me, no intimacy, sexless, no sex,
            not want ~2 sex|intimacy|intimate|touch, refuses, refused, communicat*, not communicate,
            not want ~3 relationship, commit*, one sided, leads me on, led me on, mixed signals,
            he|she wants, he|she will not, he|she refuses, he|she|they never, he|she|they always,
            my in law|laws, in law|laws, inlaws, divided, co parent*, custody
            """
        ),
        areas={"role_dispute": 1.5},
        needs="PERSON",
    ),
    Group(
        "not speaking to each other",
        _phrases(
            """
            not spoken, not speaking, not talked, stopped speaking, estranged, no contact,
            cut ~2 off, cut ties, not talking to ~2 me|him|her|them|each, stopped talking
            """
        ),
        areas={"role_dispute": 3.0},
        needs="PERSON",
    ),
    Group(
        "growing apart",
        _phrases(
            """
            drifted|drifting|grown|grew|growing apart, spark ~2 gone, no spark,
            fell|falling out of love, not in love ~2 anymore, no longer ~2 in love, like roommates,
            sex ~4 once a|every, wants more sex, want more sex, dead bedroom,
            stopped ~3 sex|intimacy|touching|kissing,
            lonely|alone ~3 marriage|relationship|husband|wife|partner,
            marriage|relationship ~3 lonely|loveless|sexless|dead
            """
        ),
        areas={"role_dispute": 3.0, "interpersonal_deficits": -2.0},
        specialties={"couples": 2.0},
    ),
    Group(
        "feeling unloved by someone",
        _phrases(
            """
            disconnected, distant, uncared, unloved, unwanted, unappreciated, rejected, rejects me,
            neglected, neglects me, not want ~2 sex, not ~2 attention to me, not make time,
            does|did nothing to help, does nothing, not lift a finger, never takes my side,
            takes ~2 side
            """
        ),
        areas={"role_dispute": 2.5},
        needs="PERSON",
    ),
    Group(
        "clashing wishes",
        _phrases(
            """
            against ~2 it|that|me|us|this|my|our, disapprov*, not approve*, not accept*,
            not want me, cut me off, cut off, wants more, want more, not happy with|about,
            unhappy with, want ~2 to stay, pressur*, forces me, force me, forcing me, guilt,
            boundaries, boundary, stand up to, assert*, called me, calls me, complain*,
            stress* me out, stresses me, annoy*, irritates me, can not stand, sick of, fed up,
            tired of ~2 him|her|them|his|their, took over, takes credit, micromanag*, harass*,
            passed over, not like ~2 me|my|their|his|her, told me ~4 can not, not let ~2 me,
            scares|scared|scaring ~2 @KIN, argue with, treated ~2 badly|differently, favorit*,
            favourit*, not get ~2 along, in the middle, take sides, taking sides, jealous of
            """
        ),
        areas={"role_dispute": 2.0},
        needs="PERSON",
        alone_factor=0.3,
    ),
    Group(
        "about therapy itself",
        _phrases(
            """
            my|our|a|the therapist|counselor|counsellor|psychiatrist|psychologist|counseling,
            in therapy, in session, in sessions, my sessions
            """
        ),
        # The label rules leave questions about therapy itself without an area.
        areas={"role_dispute": -2.5},
    ),
    # --- Role transition: a concrete change that has happened or is under way. ---
    Group(
        "break-up",
        _phrases(
            """
            broke up, break up, breakup, breakups, broken up, breaking up, dumped, dumping, left me,
            leaving me, leave me for, split up, we split, separated, separation, separating,
            divorce, divorced, divorcing, ended ~3 relationship|marriage|engagement, walked out on,
            moved out, exhusband, ended things, ended it, @PARTNER ~2 walked|moved out,
            @PARTNER ~2 left me|us|home, broke ~2 off, called ~2 off, called it quits, we are over,
            exwife, exboyfriend, exgirlfriend, ex husband|wife|boyfriend|girlfriend, broken heart,
            heartbroken, heart broken, get over ~2 him|her|them|ex, getting over ~2 him|her|them|ex
            """
        ),
        areas={"role_transition": 3.0},
        specialties={"couples": 3.0},
        hedged=True,
    ),
    Group(
        "pregnancy or a new baby",
        _phrases(
            """
            pregnant, pregnancy, pregnancies, having a baby, had a baby, have a baby, new baby,
            newborn, gave birth, giving birth, postpartum, post partum, postnatal, post natal,
            antenatal, prenatal, maternity, paternity, trimester, due date, expecting ~2 baby|child,
            became a mom|mother|dad|father|parent, new mom|mother|mum|dad|parent|parents,
            first baby|child, @CHILD ~2 was born, since ~3 born, birthing, had twins|triplets,
            twins, triplets, breastfeed*, breast feed*, c section, labor and delivery, ppd, birth,
            weeks pregnant, months pregnant, our baby, my baby, the baby
            """
        ),
        areas={"role_transition": 3.0},
        specialties={"perinatal": 4.0},
        hedged=True,
    ),
    Group(
        "not about a birth",
        _phrases(
            """
            birth control, birth order, since birth, i was born, was born in, born and raised,
            from birth
            """
        ),
        areas={"role_transition": -3.0},
        specialties={"perinatal": -4.0},
    ),
    Group(
        "wanting a pregnancy",
        _phrases(
            """
            trying to conceive, ttc, infertility, infertile, ivf, fertility, trying for a baby,
            get pregnant, getting pregnant, conceive, conceiving, want a baby, want kids,
            want children
            """
        ),
        specialties={"perinatal": 3.0},
    ),
    Group(
        "moving",
        _phrases(
            """
            moved|moving|move|relocat* to|into|away|across|abroad|here|there|back|out|in,
            moved|moving|move|relocat* cities|states|countries|overseas|house|home|town,
            relocat*, new city, new town, new state, new country, new place, new house, new home,
            new apartment, immigrat*, emigrat*, move|moving|moved back home, left my country, moved,
            since the move, after the move, the move, living together, moved in together,
            move in together, moving in, moved in with, move in with, homesick
            """
        ),
        areas={"role_transition": 3.0},
        hedged=True,
    ),
    Group(
        "living together",
        _phrases(
            """
            living together, moved in together, move in together, moving in together, live together,
            moved in with, move in with, moving in with
            """
        ),
        areas={"role_transition": 1.0},
        specialties={"couples": 2.0},
        hedged=True,
    ),
    Group(
        "an ex",
        _phrases(
            """
            my ex, an ex, our ex
            """
        ),
        areas={"role_transition": 1.5},
        specialties={"couples": 2.5},
    ),
    Group(
        "a new child at home",
        _phrases(
            """
            adopted, adopting, adoption, foster*, became a stepmom|stepdad|stepparent,
            blended family, new stepmom|stepdad|stepkids|stepchildren
            """
        ),
        areas={"role_transition": 3.0},
        specialties={"parenting": 2.0},
        hedged=True,
    ),
    Group(
        "business partner",
        _phrases(
            """
            business partner, business partners
            """
        ),
        specialties={"couples": -2.5, "workplace": 2.5},
    ),
    Group(
        "job change",
        _phrases(
            """
            lost ~2 job|jobs|work|career, losing ~2 job, laid off, layoff, layoffs, got fired,
            been fired, was fired, fired me, getting fired, let go, unemployed, unemployment,
            jobless, out of work, new job, new position, new career,
            started ~3 job|work|career|position, starting ~3 job|work|career|position, changed jobs,
            change jobs, job change, retire, retired, retiring, retirement, promotion, promoted,
            quit ~2 job, career change, graduated, graduating, graduation, first job,
            went back to work, back to work, return to work
            """
        ),
        areas={"role_transition": 3.0},
        specialties={"workplace": 3.0},
        hedged=True,
    ),
    Group(
        "school change",
        _phrases(
            """
            going to college|university, starting college|university, started college|university,
            off to college|university, leaving home, left home, leave home,
            first year of ~2 college|university, back to college|university|campus,
            away at|to college|university, freshman year of college, college freshman, new school,
            changed schools, change schools, transferred, dorm, dorms, away from home, empty nest*,
            left for college
            """
        ),
        areas={"role_transition": 3.0},
        specialties={"adolescents": 1.0},
        hedged=True,
    ),
    Group(
        "military service",
        _phrases(
            """
            deploy*, redeploy*, discharg*, military, army, navy, marines, air force, veteran,
            veterans, enlist*, came back from, tour of duty
            """
        ),
        areas={"role_transition": 3.0},
        specialties={"trauma": 1.0},
        hedged=True,
    ),
    Group(
        "illness or caregiving",
        _phrases(
            """
            diagnosed, diagnosis, cancer, terminal, terminally, chronic illness, chronic pain,
            disability, disabled, dementia, alzheimer*, stroke, caregiver, caregiving, care giver,
            caring for ~2 @KIN, taking care of ~2 @KIN, take care of ~2 @KIN, paralyzed, hiv,
            hospice, palliative, taking|take|takes care of him|her|them, nursing home, care home,
            multiple sclerosis, parkinson*, amputat*, wheelchair
            """
        ),
        areas={"role_transition": 3.0},
        hedged=True,
    ),
    Group(
        "illness mentioned",
        _phrases(
            """
            sick, illness, hospital, hospitalized, surgery, injury, injured, accident, diabetes,
            autism, autistic, health problems
            """
        ),
        areas={"role_transition": 1.2},
        hedged=True,
    ),
    Group(
        "a psychiatric label is not a life change",
        _phrases(
            """
            diagnosed ~3 @DISORDER, diagnosis of ~3 @DISORDER, self diagnosed,
            mental illness
            """
        ),
        areas={"role_transition": -2.0},
    ),
    Group(
        "marriage ahead",
        _phrases(
            """
            getting married, get married, to be married, married soon, marrying, engaged,
            engagement, wedding, newlywed*, just married, just got married, recently married,
            proposed, marry, marrying
            """
        ),
        areas={"role_transition": 3.0},
        specialties={"couples": 2.5},
        hedged=True,
    ),
    Group(
        "coming out or gender transition",
        _phrases(
            """
            coming out, came out, come out, came out to, out to my|our, transitioning,
            transition ~3 gender|female|male|woman|man, gender transition, hormone therapy, hrt,
            top surgery, bottom surgery
            """
        ),
        areas={"role_transition": 3.0},
        specialties={"lgbtq": 3.5},
        hedged=True,
    ),
    Group(
        "a change in life",
        _phrases(
            """
            big change, life change, life changes, huge change, major change, adjust*, new role,
            new chapter, new life, since ~2 moved, ever since ~3 left, transition, transitions,
            change in my life, move on, moving on, long distance, freshman, starting over,
            start over, fresh start, grown up, growing up
            """
        ),
        areas={"role_transition": 1.5},
        hedged=True,
    ),
    # --- Interpersonal deficits: loneliness, isolation, difficulty connecting. ---
    Group(
        "loneliness",
        _phrases(
            """
            lonely, loneliness, lonley, isolated, isolation, isolating, isolate, all alone,
            so alone, feel alone, feel* ~2 alone, no friends, not have ~2 friends, never ~3 friends,
            without friends, few friends, any friends, lost ~2 friends, friendless,
            no one ~3 talk to, nobody ~3 talk to, no one ~2 cares|likes|understands|wants|loves,
            nobody ~2 cares|likes|understands|wants|loves, no one to, nobody to, have no one,
            have nobody, no social life, not have anyone, not have anybody, no one in my life,
            make friends, making friends, keep friends, keeping friends, shy, shyness,
            socially awkward, social anxiety, social phobia, social skills, not ~2 talk to people,
            afraid of people, scared of people, fear of people, public speaking, talk in public,
            speak in public, speaking in public, in front of people, outcast, left out, excluded,
            push* ~2 away, keep people at, close to anyone, connect with ~2 people|anyone|others,
            hard to connect, trouble connecting,
            never ~3 relationship|girlfriend|boyfriend|dated|kissed|date, never ~3 friend|friends,
            no close friends, drift away from me, not|never|no ~4 friend|friends|friendships,
            not ~2 fit in, not belong, not ~3 have ~2 anyone|anybody|someone,
            anyone to call|talk|turn, nobody|no one ~2 invites|calls|texts|visits|asks,
            nervous|anxious|uncomfortable|awkward ~2 around people,
            avoid ~3 parties|gatherings|people|events|socializing, odd one out, pull* ~2 away,
            know what to say, stay quiet, not ~3 have ~3 single|one ~2 friend|person,
            gets|get|getting close ~2 me, let ~2 anyone|people|someone in, keep people ~3 distance,
            eat ~2 alone, lunch alone, every relationship, all my relationships,
            relationships ~2 fail|end|never, same pattern, unavailable, keep to myself, hermit,
            antisocial, anti social, avoid people, withdrawn, feel* unwanted, feeling unwanted,
            never go out, never goes out, not go out, housebound, no support
            """
        ),
        areas={"interpersonal_deficits": 3.0},
        first_person=True,
        unless="PARTNER",
        unless_factor=0.5,
    ),
    Group(
        "lonely beside a partner",
        _phrases(
            """
            lonely, loneliness, alone, isolated, unloved, invisible
            """
        ),
        areas={"role_dispute": 2.0},
        needs="PARTNER",
        alone_factor=0.0,
    ),
    Group(
        "difficulty connecting",
        _phrases(
            """
            alone, on my own, by myself, introvert*, awkward, socializ*, socialis*,
            social situations, talking to people, talk to people, around people, small talk, fit in,
            not connect, trust ~2 anyone|people|others|nobody, open up, opening up,
            keep ~2 relationship|relationships, pattern, patterns, same type, attachment,
            abandonment, clingy, needy, withdraw*, people pleaser, people pleasing, rejection,
            fear of rejection, afraid of rejection, eye contact,
            approach ~2 people|girls|guys|women|men, talk to girls|guys|women|men, ask ~2 out,
            intimidated, closed off, uncomfortable around, stay home|inside ~3 day|days
            """
        ),
        areas={"interpersonal_deficits": 1.5},
        first_person=True,
    ),
    # --- Acute risk. ---
    Group(
        "suicidal thoughts or self-harm",
        _phrases(
            """
            suicid*, kill myself, killing myself, kill my self, end my life, ending my life,
            end my own life, take my ~2 life, taking my ~2 life, want to die, wanna die,
            wanted to die, wish i ~2 dead, wish i ~3 die, wish i ~3 never born, better off dead,
            better off without me, end it all, ending it all, end it, no reason to live,
            not want to live, not want to be alive, not want to be here, not want to wake up,
            not wake up, reason to live, overdose, hurt myself, hurting myself, harm myself,
            harming myself, self harm, self harming, self injur*, cutting myself, cut myself,
            cut|cutting|cuts ~3 arm|arms|wrist|wrists|legs|thighs|skin, burn myself, burning myself,
            slit ~2 wrists, hang myself, jump off, suicide note, goodbye letter, not worth living,
            life is not worth, disappear forever, tired of living, plan to die,
            if|whether i ~2 want to live, not sure i want to live
            """
        ),
        specialties={"depression": 2.0},
        risk=True,
        negation_window=2,
    ),
    # --- Specialties. ---
    Group(
        "depression",
        _phrases(
            """
            depress*, major depressive, clinical depression, dysthymi*, mdd, antidepress*,
            anti depressant*, ssri*
            """
        ),
        specialties={"depression": 3.5},
    ),
    Group(
        "low mood",
        _phrases(
            """
            sad, sadness, hopeless*, empty, emptiness, numb, worthless, unmotivated, no motivation,
            lack of motivation, not enjoy, lost interest, no interest, cry, crying, cried, cries,
            tears, miserable, unhappy, feel down, feeling down, feel low, low mood, feel nothing,
            no energy, dark place, rut, not get out of bed, stay in bed, hate my life,
            what is the point, pointless, meaningless, despair, melancholy, the blues, bipolar,
            mood swings, moody, give up, giving up, gave up, feel lost, feeling lost, broken,
            heartbroken, hurting, lethargic, apathetic, apathy, suffering,
            feel|feeling awful|terrible|horrible|worse|flat, stuck, not the same, lost myself,
            no joy, joyless, burden, a burden
            """
        ),
        specialties={"depression": 1.2},
    ),
    Group(
        "anxiety",
        _phrases(
            """
            anxi*, panic*, ocd, obsessive, compulsive, compulsion*, phobia*, agoraphobi*,
            generalized anxiety, gad, intrusive thoughts, wash* ~2 hands, contaminat*, rituals,
            irrational, heart ~2 pound*|rac*, chest ~2 tight*, hyperventilat*, dizzy,
            feel like i am dying, going crazy, losing my mind
            """
        ),
        specialties={"anxiety": 3.5},
    ),
    Group(
        "worry",
        _phrases(
            """
            worry, worried, worries, worrying, nervous, on edge, fear, fears, afraid, scared,
            terrified, frightened, obsess*, overthink*, over think*, racing thoughts, stress,
            stressed, stressful, tense, heart racing, heart pounding, not breathe, shaking,
            paranoi*, what if, freak* out, uneasy, restless, checking, germs, overwhelm*
            """
        ),
        specialties={"anxiety": 1.3},
    ),
    Group(
        "teenager",
        _phrases(
            """
            teen, teens, teenager, teenagers, teenage, adolescen*, high school, highschool,
            middle school, junior high, i am @TEEN_AGE, @TEEN_AGE year|years|yr|yrs old,
            @TEEN_AGE_TAG, age @TEEN_AGE, aged @TEEN_AGE,
            9th|10th|11th|12th|ninth|tenth|eleventh|twelfth grade, sophomore, grounded, curfew,
            puberty, prom, school counselor, underage, i am only @TEEN_AGE, i am a minor
            """
        ),
        specialties={"adolescents": 3.0},
    ),
    Group(
        "at school",
        _phrases(
            """
            my parents ~4 let|allow|make|found|took|think, homework, my teacher, my teachers,
            my school, at school, in school, to school, minor, classes, my class, grades
            """
        ),
        specialties={"adolescents": 1.2},
    ),
    Group(
        "not a teenager",
        _phrases(
            """
            @TEEN_AGE weeks|months|days, @TEEN_AGE years ago|together|married, for @TEEN_AGE years,
            @TEEN_AGE years of
            """
        ),
        specialties={"adolescents": -2.5},
    ),
    Group(
        "partner",
        _phrases(
            """
            @PARTNER, significant other, marriage, married, dating, love him|her, in love, crush,
            together for, been together, honeymoon, man i love, woman i love, soulmate, spouses,
            romantic, romance
            """
        ),
        specialties={"couples": 2.5},
        negation_window=1,
    ),
    Group(
        "partner (weak)",
        _phrases(
            """
            relationship, relationships, intimacy, intimate, sex, sexual, sexually, date, dated,
            couple, couples, guy, lover
            """
        ),
        specialties={"couples": 1.0},
        negation_window=1,
    ),
    Group(
        "family",
        _phrases(
            """
            @PARENT, @SIBLING, @RELATIVE, family, families, mother in law, father in law, in law,
            in laws, adult son|daughter|children|child, grown son|daughter|children|kids, household,
            childhood home
            """
        ),
        specialties={"family": 1.5},
        negation_window=1,
    ),
    Group(
        "LGBTQ",
        _phrases(
            """
            gay, lesbian, lesbians, bisexual, bi, queer, trans, transgender, transsexual, nonbinary,
            non binary, enby, genderqueer, genderfluid, gender fluid, gender identity,
            gender dysphoria, dysphoria, sexual orientation, orientation, sexuality, homosexual,
            homosexuality, pansexual, asexual, lgbt*, same sex, questioning, crossdress*,
            cross dress*, pronouns, mtf, ftm, attracted to ~2 same,
            attracted to ~2 men|guys|boys|women|girls, gender
            """
        ),
        specialties={"lgbtq": 2.5},
    ),
    Group(
        "trauma",
        _phrases(
            """
            trauma, traumas, traumat*, ptsd, post traumatic, abuse, abused, abusive, abuser,
            abusing, molest*, rape, raped, rapist, sexual assault, sexually assaulted, assault*,
            domestic violence, domestic abuse, hit me, hits me, beat me, beats me, beaten, violent,
            violence, flashback*, incest, touched me, neglect*, choked, strangled,
            threatened to kill, hurt me physically, triggered, triggers, pedophile, groomed
            """
        ),
        specialties={"trauma": 3.0},
    ),
    Group(
        "frightening events",
        _phrases(
            """
            car crash, car accident, crash, accident, freeze, startle*, hypervigilan*, on guard,
            attacked, mugged, robbed, shooting, war, combat, disaster, witnessed
            """
        ),
        specialties={"trauma": 1.5},
    ),
    Group(
        "substance use or addiction",
        _phrases(
            """
            alcohol*, drink, drinks, drinking, drank, drunk, beer, wine, vodka, liquor, booze,
            hungover, hangover, sober, sobriety, relapse*, rehab, aa, na, drug, drugs, weed,
            marijuana, cannabis, cocaine, heroin, meth, opioid*, opiate*, pills, addict*, porn,
            pornography, gambl*, gaming, video games, smoking, smoke, smokes, cigarette*, vape,
            vaping, nicotine, substance*, using again, get|getting|got high, high on, stoned, xanax,
            percocet, painkillers, detox
            """
        ),
        specialties={"substance_use": 2.5},
    ),
    Group(
        "eating disorder",
        _phrases(
            """
            anorexi*, bulimi*, binge eat*, binge, binging, bingeing, purg*,
            throw* up ~3 eat|eating|ate|food|meal|meals, make myself throw up, make myself sick,
            eating disorder, eating disorders, not eating, stop eating, starv*, restrict*, calorie*,
            body image, overeat*, emotional eating, laxative*, ed recovery
            """
        ),
        specialties={"eating_disorders": 3.5},
    ),
    Group(
        "eating and weight",
        _phrases(
            """
            lose weight, losing weight, gain weight, gaining weight, weight, fat, skinny, food,
            eating, diet, dieting, vomit*, throw* up, appetite
            """
        ),
        specialties={"eating_disorders": 0.8},
    ),
    Group(
        "self-esteem",
        _phrases(
            """
            self esteem, selfesteem, self worth, self confidence, self image, confidence, confident,
            insecure, insecurity, insecurities, worthless, not good enough, hate myself, ugly,
            failure, loser, inadequate, compare myself, comparing myself, self conscious,
            self doubt, not worth, feel stupid, pathetic, value myself, love myself,
            believe in myself, like myself, self hatred, self hate, imposter, impostor, fraud,
            disappointed ~2 myself|me, find myself, who i am, not good at anything,
            never good enough, not smart enough, self love, unattractive, not pretty, useless,
            stupid, embarrass*, ashamed, shame
            """
        ),
        specialties={"self_esteem": 2.0},
    ),
    Group(
        "anger",
        _phrases(
            """
            anger, angry, rage, temper, furious, lose my temper, lash out, lashing out, snap at,
            snapped, irritable, irritated, frustrat*, mad, outburst*, aggressive, aggression,
            anger management, pissed, explode, hostile, violent
            """
        ),
        # Anger is a symptom; only with someone named nearby is it a conflict.
        areas={"role_dispute": 1.0},
        specialties={"anger": 2.0},
        needs="PERSON",
        alone_factor=0.0,
    ),
    Group(
        "sleep",
        _phrases(
            """
            sleep, sleeping, slept, insomnia, insomniac, awake at night, up all night, nightmare*,
            night terrors, oversleep*, bad dreams, restless nights, sleepless, fall asleep,
            stay asleep, asleep, not|never|barely|hardly ~2 sleep|sleeping|asleep|slept,
            sleep ~2 well|badly|enough|much
            """
        ),
        specialties={"sleep": 3.0},
    ),
    Group(
        "tiredness",
        _phrases(
            """
            tired, exhausted, fatigue*, dreams, wake up, waking up, woke up, bedtime, in bed, nap,
            naps, at night
            """
        ),
        specialties={"sleep": 0.8},
    ),
    Group(
        "parenting",
        _phrases(
            """
            my|our @CHILD, my|our boys|girls|stepkids,
            year old son|daughter|boy|girl|child|kid, @TEEN_AGE year old, co parent*, coparent*,
            custody, step son|daughter|kids|children, stepson, stepdaughter, stepchild*,
            as a parent, as a mom, as a mother, as a father, as a dad, parenting, discipline,
            tantrum*, my baby, our baby, raising, raise ~3 kids|children,
            single mom|mother|dad|father, my|our youngest|oldest|eldest|middle child
            """
        ),
        specialties={"parenting": 2.5},
        negation_window=1,
    ),
    Group(
        "work",
        _phrases(
            """
            @WORKER, job, jobs, at work, my work, career, workplace, fired, laid off, promotion,
            my company, quit my job, unemployed, paycheck, salary, hr department, work environment,
            my shift, work place
            """
        ),
        specialties={"workplace": 2.5},
        negation_window=1,
    ),
    Group(
        "work (weak)",
        _phrases(
            """
            work, working, office, employee, employees, shift, shifts, business, interview,
            profession*, clients, customers
            """
        ),
        specialties={"workplace": 0.8},
        negation_window=1,
    ),
)

# Full forms that a misspelt word may be corrected to (besides every plain word in the
# patterns). Words that stand behind a `stem*` pattern need their full form here.
FUZZY_TARGETS = frozenset(
    _words(
        """
        abandonment abusive addicted addiction adolescent alcohol alcoholic anorexia anxiety anxious
        arguing argument arguments assaulted attachment awkward belittles bisexual boyfriend bulimia
        bullying cheating cocaine colleague compulsive confidence coworker criticizes criticizing
        deployed deployment depressed depressing depression disrespectful divorce divorced
        embarrassed exhausted fiance fighting flashbacks friends frustrated frustration funeral
        girlfriend graduated graduation grief grieving homosexual hopeless husband insecurity
        insomnia introverted isolated jealous jealousy loneliness lonely manipulative marijuana
        marriage married miscarriage miserable molested mourning narcissist narcissistic newborn
        nightmares obsessive overthinking panicking paranoid passed postpartum pregnancy pregnant
        purging relationship relationships relocated resentment retirement schizophrenia separated
        separation sexuality socializing sophomore stepdaughter stepson stillborn suicidal suicide
        supervisor teenage teenager transgender traumatic traumatized unemployed unmotivated
        violence widowed withdrawn worthless
        """
    )
)

# Real words one letter away from a target above, which must never be "corrected" to it
# ("morning" is not "mourning", "lovely" is not "lonely"). Found by running every word of
# an English word list through the corrector; rerun that check when FUZZY_TARGETS changes.
NOT_MISSPELLINGS = frozenset(
    _words(
        """
        addition bellying bulling bullring creating deplored fiends finance frighting funereal
        gradation graduate graduates homeless loveliness lovely marred morning parsed passel passer
        passes pasted paused purling purring pursing windowed
        """
    )
)
