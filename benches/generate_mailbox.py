#!/usr/bin/env python3
"""Writes a deterministic, realistic mailbox straight into a test user's
Maildir and lets the test Dovecot index it.

    benches/generate_mailbox.py USER COUNT [--seed N] [--env FILE]

The mix follows /work/shared/mail-servers.md: sizes 2-50 KB (median ~11 KB),
25% with a base64 attachment, 15% text+HTML (multipart/alternative), 35%
replies with In-Reply-To/References, charsets utf-8, us-ascii, iso-8859-1,
iso-8859-15, windows-1252, koi8-r and iso-2022-jp with RFC 2047 subjects and
names, 7bit/8bit/quoted-printable/base64 bodies, dates over three years
(file mtime = INTERNALDATE), 80% seen. A few words are planted for the
search benchmark; the marker file lists them with how many messages hold
each.

The same USER, COUNT and --seed always give the same files. If the Maildir
already holds them (the marker file says so and the count matches), nothing
is written. Otherwise the user's Maildir is replaced: use it only for the
benchmark users (big20k, big100k).

Python standard library only. Needs root (files are chowned to the mail uid).
"""

import argparse
import base64
import binascii
import json
import math
import os
import random
import shutil
import subprocess
import sys
import time

GENERATOR_VERSION = 1
MARKER = ".postel-bench.json"
MAIL_UID = 65534
# A fixed end, so the files never depend on the day they were made.
END = 1767225600  # 2026-01-01 00:00:00 UTC
SPAN = 3 * 365 * 86400

# What the benchmark searches for. The generator plants these; the marker
# file counts how many messages carry each.
PLANT = {
    "sender": "lindqvist",  # Margarethe Lindqvist, ~0.5% of senders
    "subject": "quarterly",  # ~1.5% of subjects
    "body": "zucchini",  # ~2% of bodies, never in a subject or name
    "phrase": '"harbour crane inspection"',  # ~1% of bodies
    "rare": "quixotically",  # every 9973rd message: 11 in 100k, 3 in 20k
}

# ---------------------------------------------------------------- vocabulary

EN = (
    "the meeting moved to thursday afternoon because the room was booked. "
    "please find the figures for last month below and tell me what you think. "
    "we shipped the new release yesterday and the first reports look good. "
    "could you review the draft before friday so we can send it out. "
    "i talked to the supplier and they agreed to a shorter delivery time. "
    "the invoice was paid on monday, the receipt is attached to the ticket. "
    "thanks for the quick answer, that solves the problem for now. "
    "let us keep the old process until the migration is finished. "
    "the server was restarted at noon and the backups ran without errors. "
    "i will be out of the office next week with limited access to email. "
    "our team lunch is on wednesday at the usual place near the station. "
    "the customer asked whether the contract can start in march instead. "
    "attached is the updated plan with the new milestones and owners. "
    "the test suite is green again after the fix to the parser. "
    "can we move the call to tomorrow morning, something came up today. "
    "the train was late again so i missed the first part of the workshop. "
    "remember to update the wiki page when the configuration changes. "
    "the budget review showed we are slightly under plan this quarter. "
    "she sent the slides in the evening and they look very clean. "
    "the library upgrade needs a small change in the build script. "
    "we should ask legal before we sign anything with the new vendor. "
    "the garden needs watering while we are away in the mountains. "
    "my flight lands at seven so i can join the dinner a bit later. "
    "the printer on the second floor is out of toner again. "
    "a short summary of the discussion is in the notes below."
).split(". ")

DE = (
    "die besprechung wurde auf donnerstag verschoben, weil der raum belegt war. "
    "anbei die zahlen für den letzten monat, bitte prüfen und rückmelden. "
    "wir haben gestern die neue version ausgeliefert, die ersten berichte sind gut. "
    "könnten sie den entwurf bis freitag durchsehen, damit wir ihn verschicken können. "
    "der lieferant hat einer kürzeren lieferzeit zugestimmt, schöne grüße aus köln. "
    "die rechnung über 1.250 € wurde am montag bezahlt. "
    "danke für die schnelle antwort, damit ist das problem vorerst gelöst. "
    "nächste woche bin ich im urlaub und nur eingeschränkt erreichbar. "
    "das mittagessen im team ist am mittwoch am üblichen ort beim bahnhof. "
    "der kunde fragt, ob der vertrag schon im märz beginnen kann. "
    "la réunion est reportée à jeudi, la salle était déjà réservée. "
    "merci pour la réponse rapide, cela règle le problème pour l'instant. "
    "le fournisseur a accepté un délai de livraison plus court. "
    "vous trouverez ci-joint le plan mis à jour avec les nouvelles étapes. "
    "el informe del trimestre está casi listo, falta la sección de costes. "
    "mañana por la mañana podemos hablar por teléfono si te viene bien. "
    "la factura se pagó el lunes y el recibo está en el expediente. "
    "gerne übernehme ich die präsentation für die jahresübersicht. "
    "bitte die änderungen bis spätestens übermorgen einpflegen. "
    "les données de ventes du mois dernier sont très encourageantes."
).split(". ")

RU = (
    "встреча перенесена на четверг, потому что переговорная занята. "
    "во вложении цифры за прошлый месяц, посмотрите, пожалуйста. "
    "вчера мы выпустили новую версию, первые отзывы хорошие. "
    "поставщик согласился сократить сроки поставки. "
    "счёт оплачен в понедельник, квитанция приложена к заявке. "
    "спасибо за быстрый ответ, пока вопрос решён. "
    "на следующей неделе я в отпуске и почту читаю редко. "
    "клиент спрашивает, можно ли начать договор в марте. "
    "сервер перезапустили в полдень, резервные копии прошли без ошибок. "
    "давайте оставим старый процесс до окончания миграции. "
    "обед с командой в среду в обычном месте у вокзала. "
    "не забудьте обновить страницу в вики после изменения настроек."
).split(". ")

JA = (
    "会議は木曜日の午後に変更になりました。"
    "先月の数字を以下にまとめましたので、ご確認ください。"
    "昨日新しいバージョンをリリースしました。"
    "金曜日までに下書きを確認していただけますか。"
    "請求書は月曜日に支払い済みです。"
    "早速のご返信ありがとうございます。"
    "来週は休暇のため、メールの確認が遅れます。"
    "お客様から契約を三月に開始できるか問い合わせがありました。"
    "サーバーは正午に再起動し、バックアップも問題ありませんでした。"
    "よろしくお願いいたします。"
).split("。")

TOPICS = [
    "Project update", "Invoice", "Meeting notes", "Release plan", "Budget review",
    "Team lunch", "Travel booking", "Contract draft", "Server maintenance",
    "Weekly report", "Hiring", "Customer feedback", "Roadmap", "Conference",
    "Security audit", "Office move", "Newsletter", "Design review", "Holiday plans",
    "Backup status", "Order confirmation", "Support ticket", "Training", "Pricing",
]
TOPICS_DE = ["Projektstand", "Rechnung", "Besprechungsnotizen", "Urlaubsplanung",
             "Angebot für Köln", "Änderungen am Vertrag", "Grüße aus München",
             "Réunion de lundi", "Facture détaillée", "Informe del año"]
TOPICS_RU = ["Отчёт за неделю", "Счёт на оплату", "Встреча в четверг",
             "План релиза", "Договор поставки", "Обновление сервера"]
TOPICS_JA = ["会議のお知らせ", "請求書の件", "週報", "リリース計画", "契約書について"]
EMOJI = ["🎉", "✅", "📎", "☕", "🚀"]

FIRST = ["Anna", "Ben", "Carla", "David", "Emma", "Felix", "Greta", "Hugo", "Ines",
         "Jonas", "Karin", "Lars", "Mia", "Nils", "Olga", "Paul", "Rosa", "Sven",
         "Tina", "Uwe", "Vera", "Walter", "Yusuf", "Zoe"]
LAST = ["Schmidt", "Meyer", "Dubois", "Garcia", "Rossi", "Novak", "Jensen", "Brown",
        "Taylor", "Wilson", "Klein", "Fischer", "Moreau", "Silva", "Kowalski", "Berg"]
LATIN_NAMES = ["Jörg Müller", "Zoë Lefèvre", "Søren Ærø", "José Peña", "Françoise Blanché",
               "Ümit Öztürk", "Björn Åström", "Renée Côté"]
RU_NAMES = ["Иван Петров", "Ольга Смирнова", "Дмитрий Иванов", "Анна Кузнецова"]
JA_NAMES = ["山田太郎", "佐藤花子", "鈴木一郎", "高橋美咲"]
DOMAINS = ["example.com", "example.org", "example.net", "mail.example.test",
           "corp.example", "shop.example", "univ.example.edu"]

ATTACHMENTS = [
    ("application/pdf", "report-{n}.pdf"),
    ("image/png", "screenshot-{n}.png"),
    ("image/jpeg", "photo-{n}.jpg"),
    ("application/zip", "logs-{n}.zip"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "figures-{n}.xlsx"),
]

# charset, share, text pool, name pool, topic pool, body encodings with weights
CHARSETS = [
    ("utf-8", 40, "mix", ["8bit", "quoted-printable", "base64"], [40, 35, 25]),
    ("us-ascii", 25, "en", ["7bit"], [1]),
    ("iso-8859-1", 9, "de", ["8bit", "quoted-printable", "base64"], [40, 45, 15]),
    ("iso-8859-15", 4, "de", ["8bit", "quoted-printable"], [50, 50]),
    ("windows-1252", 8, "de", ["8bit", "quoted-printable", "base64"], [40, 40, 20]),
    ("koi8-r", 8, "ru", ["8bit", "quoted-printable", "base64"], [50, 20, 30]),
    ("iso-2022-jp", 6, "ja", ["7bit"], [1]),
]


def sentences(pool):
    return [s.strip() for s in pool if s.strip()]


POOLS = {
    "en": sentences(EN),
    "de": sentences(DE),
    "ru": sentences(RU),
    "ja": sentences(JA),
}
POOLS["mix"] = POOLS["en"] * 3 + POOLS["de"] + POOLS["ru"] + POOLS["ja"]


# ------------------------------------------------------------------ encoding

def encoded_words(text, charset, rng):
    """RFC 2047 encoded words for `text`, each at most 75 characters and
    holding whole characters (iso-2022-jp words return to ASCII)."""
    if all(ord(c) < 128 for c in text):
        return text
    mime = charset.upper()
    b_mode = charset in ("iso-2022-jp", "koi8-r") or rng.random() < 0.5
    words, chunk = [], ""

    def enc(s):
        raw = s.encode(charset)
        if b_mode:
            return "=?%s?B?%s?=" % (mime, base64.b64encode(raw).decode())
        q = "".join(
            chr(b) if (chr(b).isalnum() and b < 128) else ("_" if b == 32 else "=%02X" % b)
            for b in raw
        )
        return "=?%s?Q?%s?=" % (mime, q)

    for ch in text:
        if chunk and len(enc(chunk + ch)) > 75:
            words.append(enc(chunk))
            chunk = ""
        chunk += ch
    if chunk:
        words.append(enc(chunk))
    return "\n ".join(words)


def header_charset_for(text, charset):
    """The message's charset if it can hold `text`, else utf-8."""
    try:
        text.encode(charset)
        return charset
    except UnicodeEncodeError:
        return "utf-8"


def wrap(text, width=72):
    out, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = word if not line else line + " " + word
    if line:
        out.append(line)
    return "\n".join(out)


def encode_body(text, charset, cte):
    """Encoded body bytes (LF line ends) for a text in `charset`."""
    raw = text.encode(charset)
    if cte in ("7bit", "8bit"):
        return raw
    if cte == "base64":
        return base64.encodebytes(raw)
    return binascii.b2a_qp(raw)


# ------------------------------------------------------------------ messages

class Person:
    __slots__ = ("name", "addr")

    def __init__(self, name, addr):
        self.name, self.addr = name, addr


def make_people(rng):
    people = []
    for i in range(300):
        kind = rng.random()
        first, last = rng.choice(FIRST), rng.choice(LAST)
        local = "%s.%s%s" % (first.lower(), last.lower(), "" if i < 200 else str(i))
        if kind < 0.1:
            name = rng.choice(LATIN_NAMES)
        elif kind < 0.15:
            name = rng.choice(RU_NAMES)
        elif kind < 0.18:
            name = rng.choice(JA_NAMES)
        elif kind < 0.25:
            name = ""
        else:
            name = "%s %s" % (first, last)
        people.append(Person(name, "%s@%s" % (local, rng.choice(DOMAINS))))
    return people


LINDQVIST = Person("Margarethe Lindqvist", "m.lindqvist@nordlicht.example")


def address(person, charset, rng):
    if not person.name:
        return person.addr
    cs = header_charset_for(person.name, charset)
    if all(ord(c) < 128 for c in person.name):
        return '"%s" <%s>' % (person.name, person.addr) if rng.random() < 0.3 else \
            "%s <%s>" % (person.name, person.addr)
    return "%s <%s>" % (encoded_words(person.name, cs, rng), person.addr)


_PIECES = {}


def pieces(sentence):
    """A sentence cut into pieces of at most 72 characters at spaces (cached)."""
    got = _PIECES.get(sentence)
    if got is None:
        got = wrap(sentence).split("\n")
        _PIECES[sentence] = got
    return got


def fill_text(rng, pool_name, chars, plants):
    pool = POOLS[pool_name]
    avg = sum(len(s) for s in pool) / len(pool) + 2
    picks = rng.choices(pool, k=max(3, int(chars / avg) + 2))
    ja = pool_name == "ja"
    sep = "" if ja else " "
    end = "。" if ja else "."
    paras, para = [], []
    for s in picks:
        para.append(s[0].upper() + s[1:] + end)
        if len(para) >= 4 and rng.random() < 0.35:
            paras.append(para)
            para = []
    if para:
        paras.append(para)
    # Planted words go into the first paragraph so truncation keeps them.
    for p in plants:
        paras[0].insert(min(1, len(paras[0])), p)
    out = []
    for para in paras:
        lines, line = [], ""
        for s in para:
            for piece in pieces(s):
                if line and len(line) + 1 + len(piece) > 76:
                    lines.append(line)
                    line = piece
                else:
                    line = line + sep + piece if line else piece
        lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(out)


def truncate_to(text, charset, cte, budget):
    enc = encode_body(text, charset, cte)
    if len(enc) <= budget:
        return text
    keep = max(200, int(len(text) * budget / len(enc)))
    cut = text.rfind(" ", 0, keep)
    if cut < keep // 2:
        cut = keep
    return text[:cut].rstrip()


def html_of(text, charset):
    paras = text.split("\n\n")
    body = "\n".join(
        "<p>" + p.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>\n") + "</p>"
        for p in paras
    )
    return ('<!DOCTYPE html>\n<html><head><meta charset="' + charset + '"></head>\n'
            '<body style="font-family: sans-serif">\n' + body + "\n</body></html>")


def date_header(ts, rng):
    offset_min = rng.choice([0, 60, 120, -300, -240, 330, 540, 180, -420, 0, 60])
    t = time.gmtime(ts + offset_min * 60)
    sign = "+" if offset_min >= 0 else "-"
    return "%s, %d %s %d %02d:%02d:%02d %s%02d%02d" % (
        ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[t.tm_wday], t.tm_mday,
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
         "Nov", "Dec")[t.tm_mon - 1], t.tm_year, t.tm_hour, t.tm_min, t.tm_sec,
        sign, abs(offset_min) // 60, abs(offset_min) % 60)


def target_size(rng):
    # Log-normal around 11 KB, kept within 2-50 KB.
    size = int(math.exp(rng.gauss(math.log(11000), 0.7)))
    return min(max(size, 2600), 47 * 1024)


def generate(count, seed, user, domain, counts):
    """Yields (timestamp, index, flags, bytes) in date order; counts the
    messages carrying each planted search word into `counts`."""
    rng = random.Random(seed)
    people = make_people(rng)
    me = Person("", "%s@%s" % (user, domain))
    dates = sorted(END - rng.randrange(SPAN) for _ in range(count))
    recent = []  # (message-id, subject, references) of recent messages, for replies
    counts.update({k: 0 for k in PLANT})
    charset_names = [c[0] for c in CHARSETS]
    charset_weights = [c[1] for c in CHARSETS]
    by_name = {c[0]: c for c in CHARSETS}
    for i, ts in enumerate(dates):
        charset, _, pool, ctes, cte_weights = by_name[rng.choices(charset_names, charset_weights)[0]]
        sender = LINDQVIST if rng.random() < 0.005 else rng.choice(people)
        if sender is LINDQVIST:
            counts["sender"] += 1
        size = target_size(rng)
        # Subject, maybe a reply.
        reply = recent and rng.random() < 0.35
        if reply:
            parent_id, parent_subject, parent_refs = rng.choice(recent[-200:])
            base = parent_subject
        else:
            parent_id = None
            if pool == "ru":
                base = rng.choice(TOPICS_RU)
            elif pool == "ja":
                base = rng.choice(TOPICS_JA)
            elif pool == "de":
                base = rng.choice(TOPICS_DE + TOPICS)
            else:
                if rng.random() < 0.015:
                    base = "Quarterly figures %d" % (2023 + i * 3 // max(count, 1))
                else:
                    base = "%s %s" % (rng.choice(TOPICS), rng.choice(["", "#%d" % rng.randrange(1000), "(draft)", "- follow-up", "for %s" % rng.choice(FIRST)]))
                if charset == "utf-8" and rng.random() < 0.1:
                    base += " " + rng.choice(EMOJI)
        base = base.strip()
        subject = ("Re: " if reply else "") + base
        if "quarterly" in subject.lower():
            counts["subject"] += 1
        msgid = "<%d.%06d.%d@%s>" % (ts, i, seed, sender.addr.split("@")[1])
        refs = []
        if reply:
            refs = (parent_refs + [parent_id])[-10:]
        recent.append((msgid, base, refs))
        if len(recent) > 400:
            del recent[:200]

        plants = []
        if pool in ("en", "mix"):
            if rng.random() < 0.02:
                plants.append("The zucchini harvest was larger than expected this year.")
            if rng.random() < 0.01:
                plants.append("The harbour crane inspection is scheduled for next Tuesday.")
        if i % 9973 == 17:
            plants.append("He quixotically insisted on printing every message.")

        hcs = header_charset_for(subject, charset)
        headers = [
            "Return-Path: <%s>" % sender.addr,
            "Received: from mx.%s (mx.%s [192.0.2.%d])\n\tby mail.example.test with LMTP id %08x\n\tfor <%s>; %s"
            % (sender.addr.split("@")[1], sender.addr.split("@")[1], i % 250 + 1, rng.getrandbits(32), me.addr, date_header(ts, rng)),
            "From: %s" % address(sender, charset, rng),
            "To: %s" % (me.addr if rng.random() < 0.7 else "%s, %s" % (me.addr, address(rng.choice(people), charset, rng))),
        ]
        if rng.random() < 0.15:
            headers.append("Cc: %s" % ", ".join(address(rng.choice(people), charset, rng) for _ in range(rng.randint(1, 3))))
        headers += [
            "Subject: %s" % encoded_words(subject, hcs, rng),
            "Date: %s" % date_header(ts, rng),
            "Message-ID: %s" % msgid,
        ]
        if reply:
            headers.append("In-Reply-To: %s" % parent_id)
            headers.append("References: %s" % "\n ".join(refs))
        headers.append("MIME-Version: 1.0")
        headers.append("User-Agent: %s" % rng.choice(["Thunderbird/115.3", "Geary/44.1", "Mutt/2.2.9", "Outlook 16.0", "K-9 Mail 6.7"]))

        cte = rng.choices(ctes, cte_weights)[0]
        kind = rng.random()
        has_attachment = kind < 0.25
        alternative = 0.25 <= kind < 0.40 or (has_attachment and rng.random() < 0.15)
        head_len = sum(len(h) + 1 for h in headers) + 120
        budget = max(600, size - head_len)
        attachment = None
        if has_attachment:
            att_budget = int(budget * rng.uniform(0.4, 0.8))
            budget -= att_budget
            mime, fname = rng.choice(ATTACHMENTS)
            attachment = (mime, fname.format(n=i), rng.randbytes(max(300, att_budget * 3 // 4)))
        if alternative:
            budget = max(300, budget // 2)
        text = fill_text(rng, pool, budget, plants)
        if charset == "iso-8859-1":
            text = text.replace("€", "EUR")
        text = truncate_to(text, charset, cte, budget)
        boundary_n = rng.getrandbits(48)

        def text_part(ctype, body_text):
            return ("Content-Type: %s; charset=\"%s\"\nContent-Transfer-Encoding: %s\n\n" % (ctype, charset, cte)).encode() + \
                encode_body(body_text, charset, cte)

        if alternative:
            html_cte = "quoted-printable" if cte != "7bit" else "7bit"
            b = "=_alt_%012x" % boundary_n
            for _ in range(3):
                plain = text_part("text/plain", text)
                html = encode_body(html_of(text, charset), charset, html_cte)
                used = len(plain) + len(html)
                if used <= budget * 2.2:
                    break
                text = truncate_to(text, charset, cte, len(plain) * budget * 2 // used)
            inner = (
                ("Content-Type: multipart/alternative; boundary=\"%s\"\n\n" % b).encode()
                + ("--%s\n" % b).encode() + plain + b"\n"
                + ("--%s\n" % b).encode()
                + ("Content-Type: text/html; charset=\"%s\"\nContent-Transfer-Encoding: %s\n\n" % (charset, html_cte)).encode()
                + html + b"\n"
                + ("--%s--\n" % b).encode()
            )
        else:
            inner = text_part("text/plain", text)

        flat = " ".join(text.split())
        counts["body"] += "zucchini" in flat
        counts["phrase"] += "harbour crane inspection" in flat
        counts["rare"] += "quixotically" in flat
        if attachment:
            mime, fname, data = attachment
            b = "=_mix_%012x" % boundary_n
            body = (
                ("Content-Type: multipart/mixed; boundary=\"%s\"\n\n" % b).encode()
                + b"This is a multi-part message in MIME format.\n\n"
                + ("--%s\n" % b).encode() + inner + b"\n"
                + ("--%s\n" % b).encode()
                + ("Content-Type: %s; name=\"%s\"\nContent-Disposition: attachment; filename=\"%s\"\nContent-Transfer-Encoding: base64\n\n" % (mime, fname, fname)).encode()
                + base64.encodebytes(data)
                + ("--%s--\n" % b).encode()
            )
        else:
            body = inner
        raw = ("\n".join(headers) + "\n").encode("ascii") + body
        flags = ""
        r = rng.random()
        if r < 0.02:
            flags += "F"
        if reply and rng.random() < 0.1:
            flags += "R"
        if rng.random() < 0.8:
            flags += "S"
        yield ts, i, flags, raw


def read_env(path):
    env = {}
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#") and "=" in line:
                    k, v = line.split("=", 1)
                    env[k] = v.strip('"')
    return env


def doveadm(conf, *args):
    return subprocess.run(["doveadm", "-c", conf, *args], check=True,
                          capture_output=True, text=True).stdout


def mailbox_count(conf, user):
    out = doveadm(conf, "-f", "flow", "mailbox", "status", "-u", user, "messages", "INBOX")
    return int(out.strip().split("=")[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("user")
    ap.add_argument("count", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--env", help="the servers' env file (default: $POSTEL_TEST_ENV or `tests/servers/mailservers env`)")
    ap.add_argument("--maildir", help="write here instead of the test server's Maildir (no indexing)")
    args = ap.parse_args()

    env = dict(os.environ)
    env_file = args.env or os.environ.get("POSTEL_TEST_ENV")
    if not env_file and not args.maildir:
        here = os.path.dirname(os.path.abspath(__file__))
        env_file = subprocess.run([os.path.join(here, "..", "tests", "servers", "mailservers"), "env"],
                                  capture_output=True, text=True, check=True).stdout.strip()
    env.update(read_env(env_file))
    domain = env.get("POSTEL_TEST_DOMAIN", "example.test")
    if args.maildir:
        maildir, conf = args.maildir, None
    else:
        maildir = os.path.join(env["POSTEL_TEST_MAIL_DIR"], args.user, "Maildir")
        conf = env["POSTEL_TEST_DOVECOT_CONF"]

    want = {"version": GENERATOR_VERSION, "user": args.user, "count": args.count, "seed": args.seed}
    marker = os.path.join(maildir, MARKER)
    try:
        with open(marker) as f:
            have = json.load(f)
        n_files = len(os.listdir(os.path.join(maildir, "cur")))
        if all(have.get(k) == v for k, v in want.items()) and n_files == args.count \
                and (conf is None or mailbox_count(conf, args.user) == args.count):
            print("%s: %d messages (seed %d) already there" % (args.user, args.count, args.seed))
            return 0
    except (OSError, ValueError, subprocess.CalledProcessError):
        pass

    started = time.monotonic()
    if os.path.exists(maildir):
        shutil.rmtree(maildir)
    for d in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, d))
    cur = os.path.join(maildir, "cur")
    total = 0
    sizes = []
    chown = os.geteuid() == 0
    planted = {}
    for ts, i, flags, raw in generate(args.count, args.seed, args.user, domain, planted):
        vsize = len(raw) + raw.count(b"\n")
        name = "%d.M%06dP%d.postel-bench,S=%d,W=%d:2,%s" % (ts, i, args.seed, len(raw), vsize, flags)
        path = os.path.join(cur, name)
        with open(path, "wb") as f:
            f.write(raw)
        os.utime(path, (ts, ts))
        if chown:
            os.chown(path, MAIL_UID, MAIL_UID)
        total += len(raw)
        sizes.append(len(raw))
        if (i + 1) % 10000 == 0:
            print("  %s: %d/%d written" % (args.user, i + 1, args.count), file=sys.stderr)
    written = time.monotonic() - started
    if chown:
        os.chown(os.path.dirname(maildir), MAIL_UID, MAIL_UID)
        for d in ("", "cur", "new", "tmp"):
            os.chown(os.path.join(maildir, d), MAIL_UID, MAIL_UID)

    indexed = 0.0
    if conf:
        t = time.monotonic()
        doveadm(conf, "index", "-u", args.user, "INBOX")
        if mailbox_count(conf, args.user) != args.count:
            doveadm(conf, "force-resync", "-u", args.user, "INBOX")
            doveadm(conf, "index", "-u", args.user, "INBOX")
        got = mailbox_count(conf, args.user)
        if got != args.count:
            print("%s: Dovecot sees %d messages, expected %d" % (args.user, got, args.count), file=sys.stderr)
            return 1
        indexed = time.monotonic() - t

    sizes.sort()
    info = dict(want)
    info.update({
        "bytes": total,
        "size_median": sizes[len(sizes) // 2] if sizes else 0,
        "size_min": sizes[0] if sizes else 0,
        "size_max": sizes[-1] if sizes else 0,
        "queries": PLANT,
        "planted": planted,
    })
    with open(marker, "w") as f:
        json.dump(info, f, indent=1)
    if chown:
        os.chown(marker, MAIL_UID, MAIL_UID)
    print("%s: %d messages, %.0f MB (median %.1f KB) written in %.1f s, indexed in %.1f s"
          % (args.user, args.count, total / 1e6, info["size_median"] / 1024, written, indexed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
