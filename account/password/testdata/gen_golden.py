#!/usr/bin/env python3
"""Regenerate django_golden.jsonl: expected Validate() results computed by
Django's own password validators.

Usage (any Django >= 3.2.19 / 4.1.9 / 4.2, which share the same logic):

    apt-get download python3-django python3-asgiref python3-tz python3-sqlparse
    for f in *.deb; do dpkg-deb -x "$f" root; done
    PYTHONPATH=root/usr/lib/python3/dist-packages python3 gen_golden.py > django_golden.jsonl

Each line is {"password": ..., "attrs": {...}, "want": [messages]}. The user
is modelled the way Validate reads userAttrs: attributes are tried in the
order username, first_name, last_name, email, email_address, then the other
keys sorted, and each verbose name is the key with "_" replaced by " ".
"""
import json
import random
import re
import sys

import django
from django.conf import settings

settings.configure(USE_I18N=False)
django.setup()

from django.contrib.auth import password_validation as pv  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402

ORDER = ["username", "first_name", "last_name", "email", "email_address"]
COMMON = pv.CommonPasswordValidator()


class _Field:
    def __init__(self, name):
        self.verbose_name = name.replace("_", " ")


class _Meta:
    def get_field(self, name):
        return _Field(name)


class _User:
    _meta = _Meta()


def django_messages(password, attrs):
    keys = [k for k in ORDER if k in attrs] + sorted(k for k in attrs if k not in ORDER)
    user = None
    if attrs:
        user = _User()
        for k, v in attrs.items():
            setattr(user, k, v)
    validators = [
        pv.UserAttributeSimilarityValidator(user_attributes=keys),
        pv.MinimumLengthValidator(),
        COMMON,
        pv.NumericPasswordValidator(),
    ]
    try:
        pv.validate_password(password, user, validators)
    except ValidationError as e:
        return e.messages
    return []


rnd = random.Random(20240601)
common = sorted(COMMON.passwords)
first = ["jane", "john", "María", "Σοφία", "ΟΔΥΣΣΕΑΣ", "İsmail", "Zoë", "li", "o", "Jean-Luc", "d'Arcy"]
last = ["doe", "Smith", "Müller", "ΠΑΠΑΔΟΠΟΥΛΟΣ", "Öztürk", "x", "van der Berg", "O'Neil"]
domains = ["example.com", "webshare.io", "mail.co.uk", "ex-ample.org", "b.c"]
ascii_chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()_+-=. \t"
uni_chars = "Σσςİıßéàü²³¹⁰①٣০　\u00a0\u0301\u0307ΑΒΓΔ_-.\u001c\u2028ǅ"


def rand_str(n, chars):
    return "".join(rnd.choice(chars) for _ in range(n))


def make_attrs():
    f, l = rnd.choice(first), rnd.choice(last)
    sep = rnd.choice([".", "_", "", "-", "+"])
    email = f.lower() + sep + l.lower().replace(" ", "") + "@" + rnd.choice(domains)
    a = {}
    if rnd.random() < 0.8:
        a["email"] = email
    if rnd.random() < 0.4:
        a["username"] = rnd.choice([f + l, f.lower() + str(rnd.randint(1, 99)), email.split("@")[0]])
    if rnd.random() < 0.4:
        a["first_name"] = f
    if rnd.random() < 0.4:
        a["last_name"] = l
    if rnd.random() < 0.15:
        a["email_address"] = email
    if rnd.random() < 0.15:
        a["company_name"] = rnd.choice(["Acme Corp", "Webshare", "", "ΣΥΝ"])
    return a


def mutate(s):
    s = list(s)
    for _ in range(rnd.randint(0, 3)):
        k = rnd.random()
        if k < 0.3:
            s.insert(rnd.randrange(len(s) + 1), rnd.choice(ascii_chars))
        elif k < 0.5 and s:
            del s[rnd.randrange(len(s))]
        elif k < 0.7:
            rnd.shuffle(s)
        elif k < 0.85:
            s = [c.upper() if rnd.random() < 0.5 else c for c in s]
        else:
            s += list(str(rnd.randint(0, 9999)))
    return "".join(s)


def make_password(attrs):
    vals = [v for v in attrs.values() if v]
    k = rnd.random()
    if k < 0.2:
        return rnd.choice(common)
    if k < 0.3:
        return rnd.choice([" ", "\t", "", "\u3000", "\x1c"]) + rnd.choice(common).upper() + rnd.choice([" ", "", "\n"])
    if k < 0.55 and vals:
        v = rnd.choice(vals)
        parts = [x for x in re.split(r"\W+", v) if x] or [v]
        return mutate(rnd.choice(parts + [v]))
    if k < 0.65:
        return rand_str(rnd.randint(0, 14), "0123456789²³①٣")
    if k < 0.8:
        return rand_str(rnd.randint(0, 20), ascii_chars)
    if k < 0.9:
        return rand_str(rnd.randint(0, 16), uni_chars + "abc")
    if k < 0.95:
        return rand_str(rnd.randint(60, 120), ascii_chars)
    return (rnd.choice(vals) if vals else "x") * rnd.randint(1, 12)


# Keep every distinct outcome at least a few times, then fill up at random.
by_outcome = {}
for _ in range(20000):
    attrs = make_attrs()
    pw = make_password(attrs)
    want = django_messages(pw, attrs)
    by_outcome.setdefault(json.dumps(want), []).append({"password": pw, "attrs": attrs, "want": want})

out = []
for key in sorted(by_outcome):
    out.extend(by_outcome[key][:8])
rest = [c for key in sorted(by_outcome) for c in by_outcome[key][8:]]
rnd.shuffle(rest)
out.extend(rest[: max(0, 400 - len(out))])
for c in out:
    sys.stdout.write(json.dumps(c, ensure_ascii=False, sort_keys=True) + "\n")
