"""Bytes to text for mail: charsets as they are really used (and mislabelled), encoded-word
headers, raw 8-bit headers, addresses. Nothing here raises on bad input; what had to be
guessed is reported as a defect string."""

from __future__ import annotations

import codecs
import re
from email.header import decode_header
from email.utils import getaddresses

from partnerdesk.mail.parsed import Address

# Labels decoded with a superset, as browsers and mail clients do: the superset decodes
# everything the label's charset does, plus what real senders put under that label.
SUPERSETS = {
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso_8859-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-2022-jp": "iso2022_jp_ext",
    "tis-620": "cp874",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
}
# Charsets under which a valid multi-byte UTF-8 text is far likelier a mislabel than intended.
SINGLE_BYTE = re.compile(r"^(cp125\d|iso8859-\d+|cp874|koi8-[ru]|mac-roman|ascii)$")
ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")


def codec_for(label: str | None) -> str | None:
    """Python's codec for a charset label, or None when unknown ("x-unknown", garbage…)."""
    if not label:
        return None
    label = label.strip().strip('"').lower()
    label = SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):
        return None


def decode_bytes(data: bytes, label: str | None) -> tuple[str, str | None]:
    """Text and, when the declared charset could not be used as is, a defect saying so."""
    codec = codec_for(label)
    if codec and SINGLE_BYTE.match(codec) and not data.isascii() and _is_utf8(data):
        return data.decode("utf-8"), f"charset {label} declared, the text is UTF-8"
    if codec:
        try:
            return data.decode(codec), None
        except (UnicodeDecodeError, LookupError, ValueError):
            pass
    if data.isascii():
        return data.decode("ascii"), (f"unknown charset {label}" if label and not codec else None)
    if _is_utf8(data):
        return data.decode("utf-8"), f"charset {label or 'missing'}: decoded as UTF-8"
    if codec and codec != "utf-8" and not SINGLE_BYTE.match(codec):
        # a multi-byte charset with a few bad bytes: keep the rest of the text readable
        text = data.decode(codec, errors="replace")
        return text, f"charset {label}: bytes that do not fit it were replaced"
    fallback = codec if codec and SINGLE_BYTE.match(codec) else "cp1252"
    used = "Windows-1252" if fallback == "cp1252" else label
    return data.decode(fallback, errors="replace"), (
        f"charset {label or 'missing'}: decoded as {used}"
    )


SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Text any database stores: no NUL characters, no lone surrogates."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    if SURROGATE.search(value):
        value = SURROGATE.sub("\ufffd", value)
    return value


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def header_text(raw: str) -> str:
    """A header value as people read it: unfolded, encoded words decoded, raw 8-bit bytes
    taken as UTF-8 (or Windows-1252 when they are not UTF-8)."""
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        data = raw.encode("utf-8", "surrogateescape")
        raw = decode_bytes(data, "utf-8")[0]
    raw = re.sub(r"\r?\n[ \t]", " ", raw).replace("\r", "").replace("\n", " ")
    if "=?" not in raw or not ENCODED_WORD.search(raw):
        return raw.strip()
    try:
        chunks = decode_header(raw)
    except Exception:  # a broken encoded word: the raw text is still readable
        return raw.strip()
    out: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
        else:
            out.append(decode_bytes(chunk, charset or "utf-8")[0])
    return "".join(out).strip()


# Domain labels exclude the dot, so matching stays linear (an overlapping class would make a
# long "a.a.a.…" backtrack for seconds).
ADDRESS = re.compile(
    r"^[^@\s<>(),;:\"\[\]]{1,256}@[^@\s<>(),;:\"\[\].]+(?:\.[^@\s<>(),;:\"\[\].]+)+$"
)
MAX_ADDRESS = 320


def addresses(raw_values: list[str], *, cap: int = 100_000) -> tuple[Address, ...]:
    """Addresses of header values (To, Cc…); names decoded, emails lower-cased, "" for an
    entry without a usable address. Parsed before decoding, so an encoded comma in a name
    does not split it."""
    found: list[Address] = []
    cleaned = [_unfold(value) for value in raw_values]
    try:
        pairs = getaddresses(cleaned)
    except Exception:
        pairs = [("", part) for value in cleaned for part in value.split(",")]
    for name, email in pairs[:cap]:
        email = header_text(email).strip().strip("<>").lower()
        if len(email) > MAX_ADDRESS or not ADDRESS.match(email):
            if not name:
                continue
            email = ""
        found.append(Address(name=header_text(name), email=email))
    return tuple(found)


def _unfold(value: str) -> str:
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        value = decode_bytes(value.encode("utf-8", "surrogateescape"), "utf-8")[0]
    return re.sub(r"\r?\n[ \t]*", " ", value)


MSGID = re.compile(r"<([^<>\s]{1,500})>")


def message_ids(raw: str, *, cap: int = 200) -> tuple[str, ...]:
    """The ids of In-Reply-To / References, without angle brackets (the last `cap`)."""
    ids = MSGID.findall(raw)
    if not ids:
        ids = [word.strip("<>") for word in raw.split() if "@" in word]
    return tuple(ids[-cap:])
