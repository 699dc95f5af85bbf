import io
import json
import time

import pytest
from django.core.management import call_command

from iptcare.directory.concerns import MAX_CHARS, Concerns, understand
from iptcare.directory.vocabulary import vocabulary


def areas(text: str) -> list[str]:
    return [finding.key for finding in understand(text).ipt_areas]


def specialties(text: str) -> list[str]:
    return [finding.key for finding in understand(text).specialties]


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("My mom passed away in March and I still can't believe she's gone.", "grief"),
        ("It's been two years since my brother died and I'm still stuck.", "grief"),
        ("We lost the baby at 14 weeks and I can't stop thinking about it.", "grief"),
        ("My husband and I fight all the time about money.", "role_dispute"),
        ("My boss belittles me in every meeting and takes credit for my work.", "role_dispute"),
        ("My sister and I haven't spoken since the wedding.", "role_dispute"),
        (
            "I found out my wife is cheating on me but we're trying to stay together.",
            "role_dispute",
        ),
        ("Since she left me I don't know who I am.", "role_transition"),
        ("We just had a baby and everything feels upside down.", "role_transition"),
        ("I lost my job in the spring and the days feel endless.", "role_transition"),
        ("We moved to a new city last month for my husband's work.", "role_transition"),
        ("Dad was diagnosed with dementia and I'm now his caregiver.", "role_transition"),
        ("I have no friends and spend every weekend alone.", "interpersonal_deficits"),
        ("I can't talk to people; I freeze up and go quiet.", "interpersonal_deficits"),
        (
            "I've always been painfully shy and I've never had a close friend.",
            "interpersonal_deficits",
        ),
    ],
)
def test_it_finds_each_ipt_area(text, area):
    assert areas(text)[:1] == [area]


@pytest.mark.parametrize(
    ("text", "specialty"),
    [
        ("I've felt depressed and hopeless for months.", "depression"),
        ("My anxiety is through the roof and I get panic attacks at work.", "anxiety"),
        ("I'm 30 weeks pregnant and scared about the birth.", "perinatal"),
        ("I'm 15 and my parents won't let me go anywhere.", "adolescents"),
        ("My boyfriend never listens to me.", "couples"),
        ("My mother and my brother always gang up on me at family dinners.", "family"),
        ("I'm gay and I haven't told anyone yet.", "lgbtq"),
        ("I was abused as a child and still have flashbacks.", "trauma"),
        ("I drink every night and can't stop.", "substance_use"),
        ("I binge and purge after meals most days.", "eating_disorders"),
        ("My grandfather died and I keep waiting for him to call.", "grief"),
        ("I hate myself and feel like I'm never good enough.", "self_esteem"),
        ("I lose my temper over tiny things and I scream at the TV.", "anger"),
        ("I've had insomnia for weeks, I lie awake until 4am.", "sleep"),
        ("My toddler has tantrums every night and I'm at the end of my rope.", "parenting"),
        ("My coworkers exclude me and my manager ignores my emails.", "workplace"),
    ],
)
def test_it_finds_each_specialty(text, specialty):
    assert specialty in specialties(text)[:3]


def test_the_keys_come_from_the_vocabulary():
    known_areas = set(vocabulary()["ipt_areas"])
    known_specialties = set(vocabulary()["specialties"])
    text = (
        "Since my divorce I drink too much, my teenage son won't talk to me, I'm anxious at "
        "work, I can't sleep and my father died last year. I'm lonely and I binge eat."
    )
    concerns = understand(text)
    assert concerns.ipt_areas and concerns.specialties
    assert {finding.key for finding in concerns.ipt_areas} <= known_areas
    assert {finding.key for finding in concerns.specialties} <= known_specialties


@pytest.mark.parametrize(
    "text",
    [
        "My mom passed away last year.",
        "My husband and I fight all the time.",
        "I have no friends since the move.",
        "I've been cutting my arms again.",
        "I'm GREIVING my dad & I'm so depresed.",
        "Fwiw my ex-husband's NEW wife is pregnat 🙄",
    ],
)
def test_it_quotes_the_evidence_as_written(text):
    concerns = understand(text)
    findings = concerns.ipt_areas + concerns.specialties
    assert findings or concerns.risk
    for finding in findings:
        assert finding.evidence
        assert 0 < finding.confidence <= 1
        for evidence in finding.evidence:
            assert evidence in text
    for evidence in concerns.risk_evidence:
        assert evidence in text


def test_it_ranks_the_strongest_area_first():
    concerns = understand(
        "My father died in January. We argue about the will, and since the funeral I can't "
        "stop crying. I miss him every day."
    )
    assert concerns.ipt_areas[0].key == "grief"
    confidences = [finding.confidence for finding in concerns.ipt_areas]
    assert confidences == sorted(confidences, reverse=True)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("I'm not grieving, I just feel flat.", "grief"),
        ("No problems with my partner, we get on really well.", "role_dispute"),
        ("I've never had a panic attack.", "anxiety"),
        ("I'm not depressed, just curious about therapy.", "depression"),
        ("I don't have a drinking problem.", "substance_use"),
        ("I have no issues with my boss or coworkers.", "workplace"),
    ],
)
def test_it_respects_negation(text, absent):
    assert absent not in areas(text) + specialties(text)


@pytest.mark.parametrize(
    ("text", "present"),
    [
        ("I can't stop crying since my dad died.", "grief"),
        ("I don't know how to deal with my anxiety.", "anxiety"),
        ("I'm not happy in my marriage anymore.", "couples"),
        ("I don't have any friends here.", "interpersonal_deficits"),
        ("I never sleep more than three hours.", "sleep"),
    ],
)
def test_it_keeps_what_a_negation_does_not_deny(text, present):
    assert present in areas(text) + specialties(text)


@pytest.mark.parametrize(
    ("text", "present"),
    [
        ("I've been greiving for my mother since the winter.", "grief"),
        ("I'm pregnat with our first and terrified.", "perinatal"),
        ("Going through a divorse and it's ugly.", "role_transition"),
        ("My anxeity keeps me up at night.", "anxiety"),
        ("i feel so lonley all the time", "interpersonal_deficits"),
        ("My boyfreind cheated on me.", "couples"),
    ],
)
def test_it_reads_common_misspellings(text, present):
    assert present in areas(text) + specialties(text)


@pytest.mark.parametrize(
    "text",
    [
        "What a lovely morning, my family is well and we had a great holiday.",
        "I bought a new graduate textbook and paused the movie.",
    ],
)
def test_it_does_not_correct_real_words(text):
    assert areas(text) == []
    assert "grief" not in specialties(text)


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("my mom passed", "grief"),
        ("we just had a baby", "role_transition"),
        ("I have no friends since the move", "interpersonal_deficits"),
        ("my husband and I fight all the time", "role_dispute"),
        ("lost my job", "role_transition"),
        ("since she left me", "role_transition"),
        ("I can't talk to people", "interpersonal_deficits"),
    ],
)
def test_it_understands_everyday_phrasing(text, area):
    assert area in areas(text)


@pytest.mark.parametrize(
    "text",
    [
        "I have panic attacks on the train almost every morning.",
        "Is it ethical for a counselor to accept gifts from clients?",
        "How long do antidepressants take to work?",
        "I keep checking the locks twenty times before bed.",
        "I hear voices when nobody is around.",
        "I'm thinking about changing my job next year.",
        "Our cat died last week and the house is so quiet.",
        "My counselor interrupts me and I feel judged. Should I tell her or switch?",
        "My daughter has no friends at school. How can I help her?",
    ],
)
def test_it_abstains_when_no_area_is_shown(text):
    assert areas(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself.",
        "i just wanna die",
        "Sometimes I think everyone would be better off without me.",
        "I've been cutting my arms again.",
        "I have a plan to end my life this weekend.",
        "I keep thinking about suicide.",
        "I don't want to be alive anymore",
        "I'm not sure if I'm suicidal.",
        "I'm not suicidal, but some nights I want to die.",
        "I hurt myself on purpose when I'm upset.",
    ],
)
def test_it_flags_risk(text):
    concerns = understand(text)
    assert concerns.risk
    assert concerns.risk_evidence


@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal, just very tired.",
        "I have never had suicidal thoughts.",
        "I don't want to die, I want to feel better.",
        "This commute is killing me.",
        "I cut my hair short and I love it.",
        "My grandmother died peacefully at 96.",
        "",
    ],
)
def test_it_does_not_flag_risk_without_cause(text):
    concerns = understand(text)
    assert not concerns.risk
    assert concerns.risk_evidence == ()


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "?!...", "12345", "🙂🙂🙂"])
def test_it_handles_empty_text(text):
    assert understand(text) == Concerns(ipt_areas=(), specialties=(), risk=False, risk_evidence=())


def test_it_reads_html_as_text():
    text = (
        "<div><script>alert('x')</script><p>My husband &amp; I <b>fight</b> all the time"
        "</p><!-- a comment --><img src=x onerror=alert(1)></div>"
    )
    concerns = understand(text)
    assert [finding.key for finding in concerns.ipt_areas] == ["role_dispute"]
    assert "couples" in [finding.key for finding in concerns.specialties]


@pytest.mark.parametrize(
    "text",
    ["<<<>>>", "<" * 5000, "<p " * 3000, "&#xffffffff; &bogus; &", "a < b and c > d"],
)
def test_it_never_crashes_on_broken_markup(text):
    assert isinstance(understand(text), Concerns)


def test_it_reads_emoji_and_odd_characters():
    text = "my bf dumped me 😭💔 and I can’t sleep… İstanbul ﬁne \u200b\x00"
    assert "role_transition" in areas(text)
    assert "couples" in specialties(text)
    assert "sleep" in specialties(text)


def test_it_reads_only_the_beginning_of_a_long_text_and_stays_fast():
    text = "My mom passed away. " + "The weather was ordinary that day. " * 1500
    assert len(text) > 50_000
    started = time.perf_counter()
    concerns = understand(text)
    elapsed = time.perf_counter() - started
    assert [finding.key for finding in concerns.ipt_areas] == ["grief"]
    # Generous, so a busy machine passes; it takes a few milliseconds.
    assert elapsed < 0.5


def test_it_ignores_what_comes_after_the_cap():
    text = "The weather was ordinary. " * (MAX_CHARS // 20) + "My husband and I fight daily."
    assert areas(text) == []


def test_repeated_words_do_not_swamp_the_scores():
    text = "sad " * 10_000
    concerns = understand(text)
    assert concerns.ipt_areas == ()
    assert concerns.specialties[0].key == "depression"
    assert concerns.specialties[0].confidence < 1


def test_the_command_prints_the_keys_as_json(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("My wife and I argue every night.\nHelp?"))
    out = io.StringIO()
    call_command("classify_concerns", stdout=out)
    reply = json.loads(out.getvalue())
    assert reply["ipt_areas"] == ["role_dispute"]
    assert reply["specialties"][0] == "couples"


def test_the_command_answers_empty_input(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    out = io.StringIO()
    call_command("classify_concerns", stdout=out)
    assert json.loads(out.getvalue()) == {"ipt_areas": [], "specialties": []}
