#!/usr/bin/env python3
"""Seeded synthetic corpus of short UK clinical-professional posts, for benchmarks.

Stdlib only. The same --seed and --posts always give byte-identical output.

Every identifier is test or fictional:
  * NHS numbers come from the never-issued 999 test block (checksum-valid under modulus 11)
    or are the published example 943 476 5919; decoys are the same shapes with a wrong check
    digit (or a remainder-10 body that admits no check digit);
  * phone numbers come from Ofcom's ranges reserved for drama (020 7946 0xxx, 07700 900xxx ...);
  * NI numbers use the never-allocated QQ prefix;
  * e-mail addresses are at example.org / example.nhs.uk;
  * postcodes are shapes (plus the NHS pseudo-postcode ZZ99 3VZ), not addresses of people.

Outputs (any may be omitted):
  --txt FILE     one post per line (plain text)
  --jsonl FILE   one {"id": n, "text": "..."} per line
  --truth FILE   one {"id": n, "planted": [{"kind": ..., "text": ...}]} per line
  --draft FILE   one ~200-character draft (one valid NHS number, an emoji, a hashtag), no corpus

Usage:
  scripts/gen_corpus.py --posts 100000 --seed 6 --txt corpus.txt --jsonl corpus.jsonl
  scripts/gen_corpus.py --draft draft.txt
"""

import argparse
import json
import random
import sys

# --- identifiers -------------------------------------------------------------------------------

WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2]


def nhs_check_digit(nine):
    """Modulus-11 check digit of nine digits, or None when the remainder admits none."""
    total = sum(d * w for d, w in zip(nine, WEIGHTS))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_digits(rng, valid):
    """Ten digits in the 999 test block; valid ones pass modulus 11, decoys fail it."""
    while True:
        nine = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        check = nhs_check_digit(nine)
        if valid:
            if check is not None:
                return nine + [check]
        else:
            if check is None:
                # No digit can be right: any last digit fails.
                return nine + [rng.randrange(10)]
            wrong = (check + rng.randrange(1, 10)) % 10
            return nine + [wrong]


def nhs_format(rng, digits):
    s = "".join(map(str, digits))
    style = rng.random()
    if style < 0.6:
        return f"{s[:3]} {s[3:6]} {s[6:]}"
    if style < 0.85:
        return s
    return f"{s[:3]}-{s[3:6]}-{s[6:]}"


OFCOM_DRAMA = [
    lambda r: f"020 7946 0{r.randrange(1000):03d}",
    lambda r: f"0113 496 0{r.randrange(1000):03d}",
    lambda r: f"0117 496 0{r.randrange(1000):03d}",
    lambda r: f"0121 496 0{r.randrange(1000):03d}",
    lambda r: f"0131 496 0{r.randrange(1000):03d}",
    lambda r: f"0141 496 0{r.randrange(1000):03d}",
    lambda r: f"0161 496 0{r.randrange(1000):03d}",
    lambda r: f"0191 498 0{r.randrange(1000):03d}",
    lambda r: f"029 2018 0{r.randrange(1000):03d}",
    lambda r: f"01632 960{r.randrange(1000):03d}",
    lambda r: f"07700 900{r.randrange(1000):03d}",
    lambda r: f"07700900{r.randrange(1000):03d}",
]

AREAS = ["LS", "M", "B", "L", "S", "NE", "BS", "CF", "EH", "G", "SW", "SE", "N", "E", "OX", "CB",
         "NG", "LE", "YO", "HU", "PL", "EX", "TR", "BN"]
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def postcode(rng):
    if rng.random() < 0.1:
        return "ZZ99 3VZ"
    area = rng.choice(AREAS)
    district = rng.randrange(1, 30)
    return f"{area}{district} {rng.randrange(10)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"


def dob(rng):
    y = rng.randrange(1925, 2015)
    m = rng.randrange(1, 13)
    d = rng.randrange(1, 29)
    style = rng.random()
    if style < 0.5:
        return f"DOB {d:02d}/{m:02d}/{y}"
    if style < 0.8:
        return f"born {d} {MONTHS[m - 1]} {y}"
    return f"d.o.b. {d}.{m}.{y % 100:02d}"


# --- words -------------------------------------------------------------------------------------

EMOJI = ["😴", "☕", "🙏", "💙", "😂", "🤦", "👏", "🎉", "😷", "🩺", "💉", "🏥", "😭", "🥲", "✨",
         "👍🏽", "👋🏿", "💪🏻"]
ZWJ = ["👩‍⚕️", "👨‍⚕️", "🧑‍⚕️", "👩🏾‍⚕️", "👨‍👩‍👧", "🏳️‍🌈", "👩‍🔬", "🧑🏽‍🦽"]
FLAGS = ["🇬🇧", "🏴󠁧󠁢󠁥󠁮󠁧󠁿", "🏴󠁧󠁢󠁷󠁬󠁳󠁿", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "🇮🇪", "🇺🇦"]
HASHTAGS = ["#NHS", "#MedTwitter", "#NurseTwitter", "#nightshift", "#FOAMed", "#ED", "#GP",
            "#JuniorDoctors", "#NHSLove", "#midwifery", "#physio", "#paramedic",
            "#MentalHealth", "#ThankYouNHS", "#WeAreTheNHS", "#Sepsis", "#frailty", "#StrikeReady"]
URLS = ["https://www.nhs.uk/conditions/sepsis/", "https://bit.ly/3xYz9Qa",
        "https://www.gmc-uk.org/ethical-guidance", "https://example.org/rota?week=32",
        "http://example.nhs.uk/teaching/slides.pdf", "https://t.co/AbC123xyz",
        "https://www.bmj.com/content/380/bmj.p1", "https://youtu.be/dQw4w9WgXcQ"]

OPENERS = [
    "Great teaching session on sepsis with the FY1s this week",
    "Huge thanks to the night team on AMU",
    "Reminder that flu jabs are in the staff room until Friday",
    "Anyone know if the August rota is out yet",
    "Proud of our ward for passing the CQC visit",
    "Interesting audit results on VTE prophylaxis",
    "Long day in clinic but the team were brilliant",
    "New guideline on delirium screening is live",
    "Just finished my first week as a band 6",
    "Handover was chaos but we got there",
    "Shoutout to the porters who kept ED moving",
    "Really useful journal club on frailty scores",
    "Still no parking at the hospital after 8am",
    "Looking for volunteers for the simulation day",
    "Our stroke pathway paper got accepted",
    "Coffee machine on level 3 is finally fixed",
    "Day 4 of 4 long days done",
    "Does anyone have a good resource on DKA management",
    "Physio team smashed the falls prevention week",
    "Mental health first aid course next month, sign up below",
    "Amazing how much the new e-obs system helps",
    "Told the med students to always check the drug chart twice",
    "Midwifery unit celebrating 10 years this week",
    "Grand round on antimicrobial stewardship was packed",
]

FILLERS = [
    "Thanks all.", "Shout if you can help.", "Details in the link.", "So proud of everyone.",
    "Onwards!", "Bring snacks.", "Feedback welcome.", "Kettle is on.", "See you there.",
    "Please share.", "What a week.", "Learning every day.", "Tea and toast saved me.",
    "Rest well, team.", "Slides below.", "Drop me a DM.", "Bank holiday cover still needed.",
    "Remember to take your breaks.", "Hydrate!", "Nearly Friday.",
]

PROFANITY = ["What a fucking shift.", "this rota is shit", "F***ING night shift again",
             "bollocks to the parking", "absolute shitshow in resus", "pissed off with IT",
             "what a f*cking day"]
SLANG = ["Another GOMER in bed 3.", "Classic acopia tonight.", "two frequent flyers already",
         "the bed blockers on 7B", "heartsink patient in clinic again", "TTFO and home"]
PHOTO = ["Pic of her wound attached", "screenshot of the notes for the team",
         "video of the patient walking again!", "photo of the x-ray, look at that fracture",
         "selfie with the whiteboard behind us"]
INSULT = ["My consultant is a useless dinosaur", "the locum was completely incompetent",
          "you idiot", "the reg is a total muppet"]
ANECDOTE = ["A lady came in with a pencil up her nose", "You won't believe what this patient said",
            "had a patient today who knew my nan", "a man came in with a fork in his ear"]
INDIRECT = ["83F in bed 4 last night, lovely lady", "Bed 12: 45yo man this morning",
            "a lady in her 80s on ward 9 tonight", "67M in resus 2 yesterday, he was so grateful"]
DECOY_WORDS = ["Scunthorpe General is hiring", "shiitake risotto in the canteen",
               "frequent flyer miles for the conference", "Cockermouth clinic moves",
               "the term 'bed blocker' should go", "Team photo from the conference",
               "a 5 year study", "pictures of the new garden"]
TRICKY = ["NHS no ９４３ ４７６ ５９１９", "nhs number 943\u200b476\u200b5919",
          "“lovely” team — great  work", "ɴʜs no 943 476 5919"]

# Share of posts carrying each ingredient (independent draws).
SHARES = [
    ("nhs-valid", 0.05), ("nhs-decoy", 0.02), ("nhs-example", 0.005), ("phone", 0.04),
    ("postcode", 0.03), ("dob", 0.02), ("nino", 0.01), ("email", 0.02), ("profanity", 0.04),
    ("slang", 0.03), ("photo", 0.03), ("insult", 0.02), ("anecdote", 0.03), ("indirect", 0.03),
    ("decoy-words", 0.04), ("tricky", 0.01), ("emoji", 0.12), ("zwj", 0.04), ("flag", 0.02),
    ("url", 0.25), ("hashtag", 0.5),
]


def ingredient(rng, kind):
    if kind == "nhs-valid":
        t = nhs_format(rng, nhs_digits(rng, True))
        return t, rng.choice([f"NHS no {t}", f"his NHS number is {t}", f"ref {t} please chase",
                              f"pt {t} needs bloods", t])
    if kind == "nhs-decoy":
        t = nhs_format(rng, nhs_digits(rng, False))
        return t, rng.choice([f"order {t}", f"ticket {t}", f"NHS no {t} for bay 2", t])
    if kind == "nhs-example":
        return "943 476 5919", "the example NHS number 943 476 5919"
    if kind == "phone":
        t = rng.choice(OFCOM_DRAMA)(rng)
        return t, rng.choice([f"call {t}", f"bleep switch on {t}", f"ring {t} to book"])
    if kind == "postcode":
        t = postcode(rng)
        return t, rng.choice([f"lives near {t}", f"clinic moved to {t}", f"from {t}"])
    if kind == "dob":
        t = dob(rng)
        return t, t
    if kind == "nino":
        t = f"QQ {rng.randrange(100):02d} {rng.randrange(100):02d} {rng.randrange(100):02d} C"
        return t, f"NI no {t}"
    if kind == "email":
        t = rng.choice(["j.bloggs@example.nhs.uk", "rota@example.org", "sam.k@example.nhs.uk"])
        return t, f"email {t}"
    table = {"profanity": PROFANITY, "slang": SLANG, "photo": PHOTO, "insult": INSULT,
             "anecdote": ANECDOTE, "indirect": INDIRECT, "decoy-words": DECOY_WORDS,
             "tricky": TRICKY, "emoji": EMOJI, "zwj": ZWJ, "flag": FLAGS, "url": URLS,
             "hashtag": HASHTAGS}
    t = rng.choice(table[kind])
    return t, t


def target_length(rng):
    # 50..400, mode ~200, mean ~215: most posts are a sentence or two.
    return int(rng.triangular(50, 400, 200))


def post(rng):
    """One post and the ingredients planted in it."""
    planted = []
    pieces = [rng.choice(OPENERS) + rng.choice([".", "!", "", " 🙂" if rng.random() < 0.1 else "."])]
    for kind, share in SHARES:
        if rng.random() < share:
            truth, text = ingredient(rng, kind)
            planted.append({"kind": kind, "text": truth})
            pieces.insert(rng.randrange(1, len(pieces) + 1), text)
    target = target_length(rng)
    text = " ".join(pieces)
    while len(text) < target:
        extra = rng.choice(FILLERS)
        if extra in pieces:
            if len(pieces) > len(FILLERS):
                break
            continue
        if len(text) + 1 + len(extra) > 400:
            break
        pieces.insert(rng.randrange(1, len(pieces) + 1), extra)
        text = " ".join(pieces)
    while len(text) < 50:
        text += " " + rng.choice(HASHTAGS)
    if len(text) > 400:
        # Drop fillers (never planted pieces) until it fits; planted text stays intact.
        fillers = [p for p in pieces if p in FILLERS]
        while len(text) > 400 and fillers:
            pieces.remove(fillers.pop())
            text = " ".join(pieces)
    return text, planted


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posts", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--txt")
    ap.add_argument("--jsonl")
    ap.add_argument("--truth")
    ap.add_argument("--draft")
    args = ap.parse_args(argv)

    if args.draft:
        with open(args.draft, "w", encoding="utf-8") as f:
            # 200 characters (205 bytes with the emoji, plus a newline): one post, checked before it is sent.
            f.write("Long night on ward 7 😴 handover done, NHS no 999 000 0018 still needs "
                    "chasing with the lab before 9am. Huge thanks to the whole team for the "
                    "brews ☕ #NHS #nightshift https://example.org/rota/week-32/a\n")

    rng = random.Random(args.seed)
    outs = {}
    try:
        for key in ("txt", "jsonl", "truth"):
            path = getattr(args, key)
            if path:
                outs[key] = open(path, "w", encoding="utf-8", newline="\n")
        if not outs:
            return 0
        for i in range(1, args.posts + 1):
            text, planted = post(rng)
            assert "\n" not in text and "\r" not in text
            if "txt" in outs:
                outs["txt"].write(text + "\n")
            if "jsonl" in outs:
                outs["jsonl"].write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")
            if "truth" in outs:
                outs["truth"].write(json.dumps({"id": i, "planted": planted}, ensure_ascii=False) + "\n")
    finally:
        for f in outs.values():
            f.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
